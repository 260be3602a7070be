"""The router of the PAR Index API and helpers its modules share."""

from ninja import Router

router = Router(tags=["PAR Index"])
