"""Read models of survey results: indices aggregated from `Tally` rows in the database."""
