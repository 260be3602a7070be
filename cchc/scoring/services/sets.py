"""Criteria sets: create, import and export (XLSX, JSON), clone, edit, bands and lock.

A set can change until the first round using it opens (`lock_criteria_set`); then it is
locked for good. Every write checks `can_manage_units`, keeps the row history (each row
is saved on its own, with its author) and records one domain event.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.audit import record_event, register_verbs
from cchc.core.spreadsheets import ImportProblem

from .. import calculations
from ..models import Band, CriteriaSet, Criterion
from ..sets_io import (
    FORMAT,
    NodeSpec,
    SetFile,
    SetInvalid,
    SetSpec,
    check_file,
    decimal_text,
    read_bands,
    read_json_upload,
    read_tree,
    read_xlsx_upload,
    write_xlsx,
)

register_verbs(
    {
        "criteria_set.created": gettext_lazy("created a criteria set"),
        "criteria_set.imported": gettext_lazy("imported a criteria set"),
        "criteria_set.cloned": gettext_lazy("cloned a criteria set"),
        "criteria_set.updated": gettext_lazy("changed a criteria set"),
        "criteria_set.locked": gettext_lazy("locked a criteria set"),
        "band.changed": gettext_lazy("changed the classification bands"),
    }
)

EDITABLE_FIELDS = frozenset({"name", "legal_basis", "rounding", "cap_at_maximum", "notes"})

__all__ = [
    "SetInvalid",
    "clone_criteria_set",
    "create_criteria_set",
    "criteria_set_tree",
    "export_criteria_set_json",
    "export_criteria_set_xlsx",
    "import_criteria_set_json",
    "import_criteria_set_xlsx",
    "lock_criteria_set",
    "replace_criteria",
    "scored_nodes",
    "set_bands",
    "update_criteria_set",
]


# --- reading ------------------------------------------------------------------------------


def scored_nodes(criteria_set: CriteriaSet) -> list[calculations.Node]:
    """The set's tree as `calculations.sheet_totals` sees it, in document order."""
    return [
        calculations.Node(
            key=c.pk,
            parent=c.parent_id,
            max_points=c.max_points,
            kind=c.kind,
            scored=bool(c.method),
        )
        for c in criteria_set.criteria.order_by("position")
    ]


def criteria_set_tree(criteria_set: CriteriaSet) -> dict[str, Any]:
    """The set as a JSON tree (`sets_io` describes the format); decimals as strings."""
    criteria = list(criteria_set.criteria.order_by("position"))
    children: dict[int | None, list[Criterion]] = {}
    for criterion in criteria:
        children.setdefault(criterion.parent_id, []).append(criterion)

    def node(c: Criterion) -> dict[str, Any]:
        return {
            "code": c.code,
            "name": c.name,
            "max_points": decimal_text(c.max_points),
            "guidance": c.guidance,
            "evidence_required": c.evidence_required,
            "source": c.source,
            "kind": c.kind,
            "method": c.method,
            "params": c.params,
            "allows_not_applicable": c.allows_not_applicable,
            "children": [node(child) for child in children.get(c.pk, [])],
        }

    return {
        "format": FORMAT,
        "year": criteria_set.year,
        "group": criteria_set.group,
        "name": criteria_set.name,
        "legal_basis": criteria_set.legal_basis,
        "rounding": criteria_set.rounding,
        "cap_at_maximum": criteria_set.cap_at_maximum,
        "is_template": criteria_set.is_template,
        "is_demo": criteria_set.is_demo,
        "notes": criteria_set.notes,
        "bands": [
            {"label": b.label, "min_percent": decimal_text(b.min_percent)}
            for b in criteria_set.bands.order_by("-min_percent")
        ],
        "criteria": [node(root) for root in children.get(None, [])],
    }


def export_criteria_set_xlsx(criteria_set: CriteriaSet) -> bytes:
    """The workbook officials use: criteria, bands and information sheets."""
    return write_xlsx(criteria_set_tree(criteria_set))


def export_criteria_set_json(criteria_set: CriteriaSet) -> bytes:
    """The JSON tree as UTF-8 text, readable and diffable (seed files use it)."""
    return json.dumps(criteria_set_tree(criteria_set), ensure_ascii=False, indent=2).encode()


# --- helpers ------------------------------------------------------------------------------


def _save(
    obj: models.Model, *, by: User | None, update_fields: Iterable[str] | None = None
) -> None:
    """Save with the author in the row history; foreign keys and uniqueness were checked
    by the caller (`read_tree`), so the per-row queries of a full clean are skipped."""
    obj.full_clean(
        exclude=["criteria_set", "parent", "cloned_from", "created_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    obj._history_user = by  # type: ignore[attr-defined]
    obj.save(update_fields=list(update_fields) if update_fields is not None else None)


def _refuse_locked(criteria_set: CriteriaSet) -> None:
    """Re-read the lock inside the transaction: a round may have opened meanwhile."""
    locked_at = (
        CriteriaSet.objects.select_for_update()
        .filter(pk=criteria_set.pk)
        .values_list("locked_at", flat=True)
        .get()
    )
    criteria_set.locked_at = locked_at
    if locked_at is not None:
        raise ValidationError(
            _("This criteria set is locked: a round has opened with it."), code="locked"
        )


def _name_taken(spec: SetSpec, *, file: str, exclude: int | None = None) -> list[ImportProblem]:
    taken = CriteriaSet.objects.filter(year=spec.year, group=spec.group, name=spec.name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if not taken.exists():
        return []
    reason = _("A criteria set with this name already exists for %(year)s and this group.")
    return [ImportProblem(file, None, "name", reason % {"year": spec.year})]


def _create_criteria(criteria_set: CriteriaSet, roots: list[NodeSpec], *, by: User) -> int:
    """Save the tree in document order: depth, area code and position follow from it."""
    position = 0

    def create(spec: NodeSpec, parent: Criterion | None, depth: int, area: str) -> None:
        nonlocal position
        criterion = Criterion(
            criteria_set=criteria_set,
            parent=parent,
            depth=depth,
            area_code=area or spec.code,
            position=position,
            code=spec.code,
            name=spec.name,
            max_points=spec.max_points,
            guidance=spec.guidance,
            evidence_required=spec.evidence_required,
            source=spec.source,
            kind=spec.kind,
            method=spec.method,
            params=spec.params,
            allows_not_applicable=spec.allows_not_applicable,
        )
        position += 1
        _save(criterion, by=by)
        for child in spec.children:
            create(child, criterion, depth + 1, area or spec.code)

    for root in roots:
        create(root, None, 1, "")
    return position


def _create_bands(criteria_set: CriteriaSet, bands: list[tuple[str, Decimal]], *, by: User) -> None:
    for label, start in bands:
        _save(Band(criteria_set=criteria_set, label=label, min_percent=start), by=by)


def _create_set(
    spec: SetSpec, *, by: User, file: str, cloned_from: CriteriaSet | None = None
) -> tuple[CriteriaSet, int]:
    problems = _name_taken(spec, file=file)
    if problems:
        raise SetInvalid(problems)
    criteria_set = CriteriaSet(
        year=spec.year,
        group=spec.group,
        name=spec.name,
        legal_basis=spec.legal_basis,
        rounding=spec.rounding,
        cap_at_maximum=spec.cap_at_maximum,
        is_template=spec.is_template,
        is_demo=spec.is_demo,
        notes=spec.notes,
        cloned_from=cloned_from,
        created_by=by if by.is_authenticated else None,
    )
    _save(criteria_set, by=by)
    count = _create_criteria(criteria_set, spec.criteria, by=by)
    _create_bands(criteria_set, spec.bands, by=by)
    return criteria_set, count


def _spec(tree: Any, *, file: str) -> SetSpec:
    spec, problems = read_tree(tree, file=file)
    if problems:
        raise SetInvalid(problems)
    assert spec is not None
    return spec


# --- creating -----------------------------------------------------------------------------


@transaction.atomic
def create_criteria_set(tree: Mapping[str, Any], *, by: User, file: str = "") -> CriteriaSet:
    """Check a JSON tree and save it as a new set with its criteria and bands, or raise
    `SetInvalid` (nothing saved)."""
    require(by.access.can_manage_units)
    spec = _spec(tree, file=file)
    criteria_set, count = _create_set(spec, by=by, file=file)
    data = {"file": file, "criteria": count, "bands": len(spec.bands)}
    record_event(criteria_set, "criteria_set.created", by=by, data=data)
    return criteria_set


def _import(set_file: SetFile, *, by: User, kind: str, overrides: Mapping[str, Any]) -> CriteriaSet:
    spec = check_file(set_file, overrides)
    criteria_set, count = _create_set(spec, by=by, file=set_file.file)
    data = {"file": set_file.file, "format": kind, "criteria": count, "bands": len(spec.bands)}
    record_event(criteria_set, "criteria_set.imported", by=by, data=data)
    return criteria_set


@transaction.atomic
def import_criteria_set_xlsx(
    upload: UploadedFile,
    *,
    by: User,
    year: int | None = None,
    group: str | None = None,
    name: str | None = None,
) -> CriteriaSet:
    """Create a set from the officials' workbook; the form's year, group and name replace
    the "Thông tin" sheet's. Raise `SetInvalid` with every problem (nothing saved)."""
    require(by.access.can_manage_units)
    overrides = {"year": year, "group": group, "name": name}
    return _import(read_xlsx_upload(upload), by=by, kind="xlsx", overrides=overrides)


@transaction.atomic
def import_criteria_set_json(
    upload: UploadedFile,
    *,
    by: User,
    year: int | None = None,
    group: str | None = None,
    name: str | None = None,
) -> CriteriaSet:
    """Create a set from a JSON tree file (UTF-8, within the import size limit)."""
    require(by.access.can_manage_units)
    overrides = {"year": year, "group": group, "name": name}
    return _import(read_json_upload(upload), by=by, kind="json", overrides=overrides)


@transaction.atomic
def clone_criteria_set(
    source: CriteriaSet, *, year: int, name: str | None = None, by: User
) -> CriteriaSet:
    """Copy a set (tree and bands) for another year: "clone last year's set". The copy is
    unlocked, not a template, and remembers its source."""
    require(by.access.can_manage_units)
    tree = criteria_set_tree(source)
    tree.update(year=year, name=name or source.name, is_template=False)
    criteria_set, count = _create_set(_spec(tree, file=""), by=by, file="", cloned_from=source)
    data = {"source": source.pk, "year": year, "criteria": count}
    record_event(criteria_set, "criteria_set.cloned", by=by, data=data)
    return criteria_set


# --- changing an unlocked set -------------------------------------------------------------


@transaction.atomic
def update_criteria_set(criteria_set: CriteriaSet, *, by: User, **fields: Any) -> CriteriaSet:
    """Change the name, legal basis, rounding, cap or notes of an unlocked set."""
    require(by.access.can_manage_units)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not editable fields: {sorted(unknown)}")
    _refuse_locked(criteria_set)
    changes = {}
    for field, value in fields.items():
        before = getattr(criteria_set, field)
        if before != value:
            changes[field] = [before, value]
            setattr(criteria_set, field, value)
    if not changes:
        return criteria_set
    criteria_set.full_clean(exclude=["cloned_from", "created_by"])
    _save(criteria_set, by=by, update_fields=changes)
    record_event(criteria_set, "criteria_set.updated", by=by, changes=changes)
    return criteria_set


@transaction.atomic
def replace_criteria(
    criteria_set: CriteriaSet, tree: Mapping[str, Any], *, by: User, file: str = ""
) -> CriteriaSet:
    """Load a new tree of criteria into an unlocked set (from an import of the corrected
    file). The tree's year, group and name are the set's; its bands are left alone
    (`set_bands`)."""
    require(by.access.can_manage_units)
    _refuse_locked(criteria_set)
    fixed = {"year": criteria_set.year, "group": criteria_set.group, "name": criteria_set.name}
    spec = _spec({**tree, "format": tree.get("format", FORMAT), **fixed}, file=file)
    before = criteria_set.criteria.count()
    try:
        # Leaves first, each row on its own, so every deletion has its author in history.
        for criterion in criteria_set.criteria.order_by("-depth", "-position"):
            criterion._history_user = by  # type: ignore[attr-defined]
            criterion.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("Scores already point to these criteria; they cannot be replaced.")
        ) from exc
    count = _create_criteria(criteria_set, spec.criteria, by=by)
    data = {"file": file, "criteria_before": before, "criteria": count}
    record_event(criteria_set, "criteria_set.updated", by=by, data=data)
    return criteria_set


@transaction.atomic
def set_bands(
    criteria_set: CriteriaSet, bands: list[tuple[str, Decimal]], *, by: User
) -> CriteriaSet:
    """Replace the classification bands of an unlocked set."""
    require(by.access.can_manage_units)
    _refuse_locked(criteria_set)
    cleaned, problems = read_bands(bands)
    if problems:
        raise SetInvalid(problems)
    old = list(criteria_set.bands.order_by("-min_percent"))
    before = [(b.label, b.min_percent) for b in old]
    if before == cleaned:
        return criteria_set
    for band in old:
        band._history_user = by  # type: ignore[attr-defined]
        band.delete()
    _create_bands(criteria_set, cleaned, by=by)
    changes = {"bands": [[list(b) for b in before], [list(b) for b in cleaned]]}
    record_event(criteria_set, "band.changed", by=by, changes=changes)
    return criteria_set


@transaction.atomic
def lock_criteria_set(criteria_set: CriteriaSet, *, by: User) -> CriteriaSet:
    """Lock the set for good (a round opened with it); locking twice changes nothing."""
    require(by.access.can_manage_units)
    locked_at = (
        CriteriaSet.objects.select_for_update()
        .filter(pk=criteria_set.pk)
        .values_list("locked_at", flat=True)
        .get()
    )
    if locked_at is not None:
        criteria_set.locked_at = locked_at
        return criteria_set
    criteria_set.locked_at = timezone.now()
    _save(criteria_set, by=by, update_fields=["locked_at"])
    record_event(criteria_set, "criteria_set.locked", by=by)
    return criteria_set
