"""Load the An Giang demo people: one login per role, idempotently.

Run after `load_reference_data`. A second run changes nothing and prints the same
logins. Demo accounts share one password, printed at the end; never run this on a
production database (it refuses when DEBUG is off unless --force is given).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cchc.accounts.models import RoleAssignment, User
from cchc.accounts.roles import Role
from cchc.units.models import Unit

DEMO_PASSWORD = "cchc-Demo-2026!"

# username, full name, position, role, unit code, covers subtree
DEMO_PEOPLE = [
    ("admin", "Trần Quản Trị", "Chuyên viên CNTT", Role.ADMIN, "AG", True),
    (
        "secretariat",
        "Nguyễn Thị Thư Ký",
        "Chuyên viên Phòng CCHC, Sở Nội vụ",
        Role.SECRETARIAT,
        "SNV",
        False,
    ),
    (
        "focal_point",
        "Lê Văn Đầu Mối",
        "Chuyên viên Văn phòng Sở Tư pháp",
        Role.FOCAL_POINT,
        "STP",
        False,
    ),
    ("unit_leader", "Phạm Minh Giám Đốc", "Giám đốc Sở Tư pháp", Role.UNIT_LEADER, "STP", False),
    ("appraiser", "Võ Thị Thẩm Định", "Phó Giám đốc Sở Tư pháp", Role.APPRAISER, "STP", False),
    (
        "council_member",
        "Đặng Văn Hội Đồng",
        "Phó Chủ tịch UBND tỉnh",
        Role.COUNCIL_MEMBER,
        "AG",
        False,
    ),
    ("leader", "Huỳnh Văn Lãnh Đạo", "Chủ tịch UBND tỉnh", Role.LEADER, "AG", False),
    (
        "focal_chaudoc",
        "Trương Thị Châu",
        "Chuyên viên Phòng Nội vụ Châu Đốc",
        Role.FOCAL_POINT,
        "884",
        True,
    ),
]


class Command(BaseCommand):
    help = "Create the demo logins (one per role) for An Giang; safe to run again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is for development databases (DEBUG=1) only.")
        units = {u.code: u for u in Unit.objects.filter(code__in={p[4] for p in DEMO_PEOPLE})}
        missing = {p[4] for p in DEMO_PEOPLE} - set(units)
        if missing:
            raise CommandError(f"Run load_reference_data first (missing units: {sorted(missing)}).")
        created = 0
        with transaction.atomic():
            for username, full_name, position, role, code, subtree in DEMO_PEOPLE:
                created += self._person(username, full_name, position, role, units[code], subtree)
        self.stdout.write(
            f"Demo people: {created} created, {len(DEMO_PEOPLE) - created} already there."
        )
        self._print_logins(units)

    def _person(
        self, username: str, full_name: str, position: str, role: str, unit: Unit, subtree: bool
    ) -> int:
        user = User.objects.filter(username=username).first()
        is_new = user is None
        if is_new:
            user = User.objects.create_user(
                username=username,
                email=f"{username}@demo.angiang.gov.vn",
                password=DEMO_PASSWORD,
                full_name=full_name,
                position=position,
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
        if not RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
            RoleAssignment.objects.create(user=user, role=role, unit=unit, includes_subtree=subtree)
        return int(is_new)

    def _print_logins(self, units: dict[str, Unit]) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for username, _name, _pos, role, code, _subtree in DEMO_PEOPLE:
            self.stdout.write(f"  {username:<16} {Role(role).label!s:<34} {units[code].name}")
        self.stdout.write("")
