"""The units API: the same queries and services as the HTML pages."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from cchc.core.models import AuditEvent

from . import services
from .models import Unit
from .queries import UnitNode, unit_tree

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: Unit.Kind
    parent_id: int | None
    official_code: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    email: str
    notes: str
    is_current: bool


class UnitLinkOut(Schema):
    unit: UnitOut
    effective_date: datetime.date
    whole: bool
    legal_basis: str


class UnitDetailOut(UnitOut):
    predecessors: list[UnitLinkOut]
    successors: list[UnitLinkOut]


class UnitTreeOut(Schema):
    id: int
    code: str
    name: str
    kind: Unit.Kind
    is_current: bool
    children: list["UnitTreeOut"]


class UnitIn(Schema):
    code: str = Field(max_length=32)
    name: str = Field(max_length=255)
    short_name: str = Field("", max_length=100)
    kind: Unit.Kind
    parent_id: int | None = None
    official_code: str = Field("", max_length=16)
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    email: str = ""
    notes: str = ""


class UnitPatch(Schema):
    code: str | None = Field(None, max_length=32)
    name: str | None = Field(None, max_length=255)
    short_name: str | None = Field(None, max_length=100)
    kind: Unit.Kind | None = None
    parent_id: int | None = None
    official_code: str | None = Field(None, max_length=16)
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    email: str | None = None
    notes: str | None = None


class UnitFilter(Schema):
    q: str = ""
    kind: Unit.Kind | None = None
    current: bool | None = None


class AuditEventOut(Schema):
    at: datetime.datetime
    actor: str = Field(alias="actor_label")
    verb: str
    verb_label: str
    changes: dict[str, Any]
    data: dict[str, Any]


def _visible(request: HttpRequest, unit_id: int) -> Unit:
    return get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_id)


def _fields(payload: Schema, *, partial: bool = False) -> dict[str, Any]:
    """Schema values as service keyword arguments, with `parent_id` resolved to a unit."""
    values = payload.dict(exclude_unset=partial)
    if "parent_id" in values:
        parent_id = values.pop("parent_id")
        parent = Unit.objects.filter(pk=parent_id).first() if parent_id else None
        if parent_id and parent is None:
            raise ValidationError({"parent_id": _("There is no unit with this id.")})
        values["parent"] = parent
    return values


def _links(links: Any, attr: str) -> list[dict[str, Any]]:
    return [
        {
            "unit": getattr(link, attr),
            "effective_date": link.effective_date,
            "whole": link.whole,
            "legal_basis": link.legal_basis,
        }
        for link in links.select_related(attr)
    ]


def _tree_out(nodes: list[UnitNode]) -> list[dict[str, Any]]:
    return [
        {
            "id": n.unit.pk,
            "code": n.unit.code,
            "name": n.unit.name,
            "kind": n.unit.kind,
            "is_current": n.unit.is_current,
            "children": _tree_out(n.children),
        }
        for n in nodes
    ]


@router.get("", response=list[UnitOut], operation_id="unit_list")
@paginate(PageNumberPagination, page_size=50)
def unit_list(request: HttpRequest, filters: Query[UnitFilter]) -> Any:
    """Units visible to the caller; `q` ignores case and diacritics ("chau doc")."""
    units = Unit.objects.visible_to(request.user).search(filters.q).in_tree_order()
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.current is True:
        units = units.current()
    elif filters.current is False:
        units = units.exclude(pk__in=Unit.objects.current().values("pk"))
    return units


@router.get("/tree", response=list[UnitTreeOut], operation_id="unit_tree")
def unit_tree_view(request: HttpRequest) -> Any:
    """The visible units nested by parent; a unit whose parent is hidden is a root."""
    return _tree_out(unit_tree(Unit.objects.visible_to(request.user)))


@router.get("/{unit_id}", response=UnitDetailOut, operation_id="unit_get")
def unit_get(request: HttpRequest, unit_id: int) -> Any:
    unit = _visible(request, unit_id)
    unit.predecessors = _links(unit.origins, "predecessor")
    unit.successors = _links(unit.successions, "successor")
    return unit


@router.get("/{unit_id}/history", response=list[AuditEventOut], operation_id="unit_history")
@paginate(PageNumberPagination, page_size=50)
def unit_history(request: HttpRequest, unit_id: int) -> Any:
    """The audit trail of one unit, newest first."""
    return AuditEvent.objects.for_object(_visible(request, unit_id))


@router.post("", response={201: UnitOut}, operation_id="unit_create")
def unit_create(request: HttpRequest, payload: UnitIn) -> Any:
    if not Unit.can_create(request.user):
        raise PermissionDenied
    return Status(201, services.create_unit(by=request.user, **_fields(payload)))


@router.patch("/{unit_id}", response=UnitOut, operation_id="unit_update")
def unit_update(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Any:
    unit = _visible(request, unit_id)
    if not unit.can_edit(request.user):
        raise PermissionDenied
    return services.update_unit(unit, by=request.user, **_fields(payload, partial=True))
