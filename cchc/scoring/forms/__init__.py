"""HTML input for the PAR Index pages (one module per page section)."""
