"""One answer to "what may this person reach?", computed once per request.

Every `visible_to(user)` QuerySet method and `can_<verb>(user)` model method asks
`user.access`; nothing else in cchc inspects role assignments directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils import timezone

from .roles import MANAGER_ROLES, PROVINCE_WIDE_ROLES, UNIT_ROLES, Role

if TYPE_CHECKING:
    from .models import RoleAssignment, User


@dataclass
class Access:
    user: User
    assignments: list[RoleAssignment] = field(default_factory=list)

    @classmethod
    def for_user(cls, user: User) -> Access:
        if not user.is_authenticated or not user.is_active:
            return cls(user=user)
        today = timezone.localdate()
        return cls(user=user, assignments=list(user.role_assignments.active_on(today)))

    @cached_property
    def roles(self) -> frozenset[str]:
        held = {a.role for a in self.assignments}
        if self.user.is_authenticated and self.user.is_superuser:
            held.add(Role.ADMIN)
        return frozenset(held)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def unit_ids(self, *roles: str) -> frozenset[int]:
        """Units (with their subtrees where the assignment covers them) held in `roles`."""
        from cchc.units.models import Unit

        chosen = [a for a in self.assignments if a.role in roles]
        direct = {a.unit_id for a in chosen}
        roots = {a.unit_id for a in chosen if a.includes_subtree}
        return frozenset(direct | Unit.objects.descendant_ids(roots))

    @cached_property
    def own_unit_ids(self) -> frozenset[int]:
        """The units this person acts for as focal point or head of unit."""
        return self.unit_ids(*UNIT_ROLES)

    @property
    def sees_all_units(self) -> bool:
        return self.has_role(*PROVINCE_WIDE_ROLES)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def can_manage_units(self) -> bool:
        return self.has_role(*MANAGER_ROLES)

    @property
    def can_manage_users(self) -> bool:
        return self.has_role(*MANAGER_ROLES)

    @property
    def can_read_audit_trail(self) -> bool:
        return self.has_role(*MANAGER_ROLES)

    def grantable_roles(self) -> list[str]:
        """Roles this person may grant: only administrators grant the admin role."""
        if self.is_admin:
            return list(Role.values)
        if self.has_role(Role.SECRETARIAT):
            return [r for r in Role.values if r != Role.ADMIN]
        return []


def require(allowed: bool) -> None:
    """Refuse (403) an action the person's roles do not allow; pages, API and services share it."""
    if not allowed:
        from django.core.exceptions import PermissionDenied
        from django.utils.translation import gettext as _

        raise PermissionDenied(_("You may not do this."))
