"""The roles people hold in cchc (domain README §2) and what each role reaches."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SECRETARIAT = "secretariat", _("PAR secretariat (Home Affairs)")
    FOCAL_POINT = "focal_point", _("PAR focal point")
    UNIT_LEADER = "unit_leader", _("Head of unit")
    APPRAISER = "appraiser", _("Appraiser")
    COUNCIL_MEMBER = "council_member", _("Council member")
    LEADER = "leader", _("Provincial leader")


# Roles that read across every unit; the others are limited to the units they are held in.
PROVINCE_WIDE_ROLES = frozenset(
    {Role.ADMIN, Role.SECRETARIAT, Role.LEADER, Role.APPRAISER, Role.COUNCIL_MEMBER}
)
# Roles that act for their own unit only.
UNIT_ROLES = frozenset({Role.FOCAL_POINT, Role.UNIT_LEADER})
# Roles that manage the organisation, people and roles.
MANAGER_ROLES = frozenset({Role.ADMIN, Role.SECRETARIAT})
