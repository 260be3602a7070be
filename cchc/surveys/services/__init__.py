"""Write operations of the surveys module; pages, API, imports and tasks all call these."""
