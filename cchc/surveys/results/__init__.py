"""Read models of survey results: indices aggregated from `Tally` rows in the database.

- `indices.CampaignResults`: per unit, procedure, level and the province (grouped queries);
- `figures`: the result dataclasses and the arithmetic on counts (via `calculations`);
- `weighting`: figures weighted by the units' population N;
- `ranking`: the units' ranking and the trend across campaigns;
- `metric`: `surveys.satisfaction` for the PAR Index.
"""
