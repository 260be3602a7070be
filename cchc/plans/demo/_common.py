"""What the demo modules share: the units they are built around, the error, the people."""

from __future__ import annotations

from dataclasses import dataclass

from cchc.accounts.models import User

PROVINCE = "AG"
SECRETARIAT_UNIT = "SNV"
DEMO_UNIT = "STP"  # the unit of the demo focal point and head of unit


class DemoError(Exception):
    """The database lacks what the demo plans are built on."""


@dataclass
class People:
    secretariat: User
    focal_point: User
    unit_leader: User
    others: dict[str, User]
