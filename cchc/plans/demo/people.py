"""The demo people: the logins of `load_demo_data`, and demo colleagues for other units."""

from __future__ import annotations

from cchc.accounts.models import User
from cchc.core.text import fold
from cchc.units.models import Unit

from ._common import DemoError, People


def _people() -> People:
    users = {u.username: u for u in User.objects.filter(username__in=_DEMO_USERNAMES)}
    missing = sorted(set(_DEMO_USERNAMES) - set(users))
    if missing:
        raise DemoError(f"Run load_demo_data first (missing demo people: {missing}).")
    return People(
        secretariat=users["secretariat"],
        focal_point=users["focal_point"],
        unit_leader=users["unit_leader"],
        others=users,
    )


_DEMO_USERNAMES = ("secretariat", "focal_point", "unit_leader", "focal_chaudoc")


def _unit_people(unit: Unit) -> tuple[User, User]:
    """Demo colleagues (no password) for a unit without demo logins, made once."""
    from cchc.accounts.models import RoleAssignment
    from cchc.accounts.roles import Role

    slug = fold(unit.code).replace(" ", "")
    people = []
    for role, prefix, title in (
        (Role.FOCAL_POINT, "demo_fp_", "Chuyên viên đầu mối CCHC"),
        (Role.UNIT_LEADER, "demo_head_", "Thủ trưởng đơn vị"),
    ):
        user, created = User.objects.get_or_create(
            username=f"{prefix}{slug}",
            defaults={
                "full_name": f"{title} ({unit.short_name or unit.code})",
                "position": f"{title}, {unit.name}",
                "email": f"{prefix}{slug}@demo.angiang.gov.vn",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            RoleAssignment.objects.create(user=user, role=role, unit=unit)
        people.append(user)
    return people[0], people[1]
