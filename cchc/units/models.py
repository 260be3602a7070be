"""The organisational tree: province → departments and district-level units → communes.

Units have validity dates and successor links, so a 2023 record still points at a
unit that existed in 2023 and a 2026 unit can show what it was formed from.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.core.text import fold, normalize, search_q

if TYPE_CHECKING:
    from cchc.accounts.models import User


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> UnitQuerySet:
        """Province-wide roles see every unit; focal points and heads see their own units."""
        if not user.is_authenticated:
            return self.none()
        if user.access.sees_all_units:
            return self
        return self.filter(pk__in=user.access.own_unit_ids)

    def current_on(self, day: datetime.date) -> UnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def current(self) -> UnitQuerySet:
        return self.current_on(timezone.localdate())

    def in_tree_order(self) -> UnitQuerySet:
        """Province first, then departments, districts and communes, each by name."""
        rank = models.Case(
            *(models.When(kind=kind, then=i) for i, kind in enumerate(Unit.Kind.values)),
            default=len(Unit.Kind.values),
        )
        return self.order_by(rank, "name", "code")

    def ended(self) -> UnitQuerySet:
        return self.filter(valid_to__lt=timezone.localdate())

    def without_focal_point(self) -> UnitQuerySet:
        """Current units where nobody holds an active focal-point role."""
        from cchc.accounts.models import RoleAssignment
        from cchc.accounts.roles import Role

        staffed = RoleAssignment.objects.active_on(timezone.localdate()).filter(
            role=Role.FOCAL_POINT
        )
        return self.current().exclude(pk__in=staffed.values("unit_id"))

    def search(self, text: str) -> UnitQuerySet:
        """Match name, short name or code, ignoring case and diacritics ("chau doc")."""
        words = search_q("search_text", text)
        if words is None:
            return self
        return self.filter(words | Q(code__iexact=text.strip()))

    def descendant_ids(self, root_ids: set[int] | frozenset[int]) -> set[int]:
        """Ids of every unit below the given roots (the roots themselves excluded)."""
        found: set[int] = set()
        frontier = set(root_ids)
        while frontier:
            children = set(
                self.model.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            frontier = children - found
            found |= frontier
        return found


class Unit(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        DEPARTMENT = "department", _("Department or agency")
        DISTRICT = "district", _("District-level unit")
        COMMUNE = "commune", _("Commune-level unit")
        # Đơn vị trực thuộc: a division, centre or sub-department (chi cục) of a unit,
        # or its one-stop shop; it reports through the unit above it.
        SUBORDINATE = "subordinate", _("Subordinate unit")

    # Which kinds may sit under which: the tree of Vietnamese local government.
    ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
        Kind.PROVINCE: (),
        Kind.DEPARTMENT: (Kind.PROVINCE,),
        Kind.DISTRICT: (Kind.PROVINCE,),
        Kind.COMMUNE: (Kind.DISTRICT, Kind.PROVINCE),
        Kind.SUBORDINATE: (Kind.DEPARTMENT, Kind.DISTRICT, Kind.COMMUNE, Kind.SUBORDINATE),
    }

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("official name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    official_code = models.CharField(
        _("official code"),
        max_length=16,
        blank=True,
        help_text=_("Statistical (GSO) code where one exists; may be reused after a merger."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.CharField(max_length=400, editable=False, blank=True, db_index=True)

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_to_after_from",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived, never typed: the normalised names and their search key.
        self.name = normalize(self.name)
        self.short_name = normalize(self.short_name)
        self.search_text = fold(f"{self.name} {self.short_name} {self.code}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "name", "short_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("units:unit-detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end date is before the start date.")
        parent_problem = self.parent_problem(self.kind, self.parent)
        if parent_problem:
            errors["parent"] = parent_problem
        elif self.parent is not None and self.pk and self.pk in self.parent.ancestor_ids(self.pk):
            errors["parent"] = _("This parent would put the unit inside itself.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def parent_problem(cls, kind: str, parent: Unit | None) -> str:
        """Why `parent` cannot hold a unit of `kind` (empty when it can)."""
        allowed = cls.ALLOWED_PARENTS.get(kind)
        if allowed is None:
            return ""  # the kind itself is reported by its field
        if parent is None:
            return "" if not allowed else str(_("A unit of this kind needs a parent unit."))
        return cls.parent_kind_problem(kind, parent.kind)

    @classmethod
    def parent_kind_problem(cls, kind: str, parent_kind: str) -> str:
        allowed = cls.ALLOWED_PARENTS.get(kind, ())
        if parent_kind in allowed:
            return ""
        if not allowed:
            return str(
                _("A unit of kind %(kind)s cannot have a parent unit.")
                % {"kind": cls.Kind(kind).label}
            )
        return str(
            _("A unit of kind %(kind)s cannot be placed under a unit of kind %(parent)s.")
            % {"kind": cls.Kind(kind).label, "parent": cls.Kind(parent_kind).label}
        )

    def ancestor_ids(self, stop_at: int | None = None) -> set[int]:
        """Ids of this unit and every unit above it (stops on a loop or at `stop_at`)."""
        seen: set[int] = set()
        node: Unit | None = self
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            if node.pk == stop_at:
                break
            node = node.parent
        return seen

    def is_current_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    @property
    def is_current(self) -> bool:
        return self.is_current_on(timezone.localdate())

    def ancestors(self) -> list[Unit]:
        """The chain from the root down to this unit's parent."""
        chain: list[Unit] = []
        node = self.parent
        while node is not None and len(chain) < 10:
            chain.insert(0, node)
            node = node.parent
        return chain

    def can_view(self, user: User) -> bool:
        return Unit.objects.visible_to(user).filter(pk=self.pk).exists()

    def can_edit(self, user: User) -> bool:
        return user.is_authenticated and user.access.can_manage_units

    @staticmethod
    def can_create(user: User) -> bool:
        return user.is_authenticated and user.access.can_manage_units


class UnitSuccession(models.Model):
    """A link from a unit that ended to a unit that took over (all or part of) it.

    Many predecessors → one successor is a merger; one predecessor → many successors is
    a split; one → one is a continuation under a new name or status.
    """

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("former unit"), on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("successor unit"), on_delete=models.PROTECT, related_name="origins"
    )
    effective_date = models.DateField(_("effective date"))
    whole = models.BooleanField(_("whole unit"), default=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        ordering = ["effective_date", "predecessor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="succession_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_date:%d/%m/%Y})"
