"""The surveys Router, shared by the endpoint modules."""

from ninja import Router

router = Router(tags=["surveys"])
