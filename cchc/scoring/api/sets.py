"""PAR Index API: criteria sets — list, read with the tree, export, import, clone."""

from collections import defaultdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from cchc.accounts.access import require

from ..models import CriteriaSet, Criterion, UnitGroup
from ..services import sets as set_services
from ._common import PAGE, get_set, router
from .schemas import CloneIn, SetDetailOut, SetFilter, SetOut, answers


def _node(criterion: Criterion, children: dict[int | None, list[Criterion]]) -> dict[str, Any]:
    return {
        "id": criterion.pk,
        "code": criterion.code,
        "name": criterion.name,
        "depth": criterion.depth,
        "max_points": criterion.max_points,
        "guidance": criterion.guidance,
        "evidence_required": criterion.evidence_required,
        "source": criterion.source,
        "kind": criterion.kind,
        "method": criterion.method,
        "params": criterion.params,
        "allows_not_applicable": criterion.allows_not_applicable,
        "children": [_node(c, children) for c in children[criterion.pk]],
    }


def set_detail(criteria_set: CriteriaSet) -> dict[str, Any]:
    """The set with its criteria as a tree (one query) and its bands, highest first."""
    children: dict[int | None, list[Criterion]] = defaultdict(list)
    for criterion in criteria_set.criteria.order_by("position", "pk"):
        children[criterion.parent_id].append(criterion)
    detail = SetOut.from_orm(criteria_set).dict()
    detail["criteria"] = [_node(area, children) for area in children[None]]
    detail["bands"] = [
        {"label": b.label, "min_percent": b.min_percent}
        for b in criteria_set.bands.order_by("-min_percent")
    ]
    return detail


@router.get(
    "/sets",
    response=list[SetOut],
    operation_id="par_set_list",
    summary="List criteria sets",
)
@paginate(PageNumberPagination, page_size=PAGE)
def set_list(request: HttpRequest, filters: Query[SetFilter]) -> Any:
    """Criteria sets, newest year first (every role reads them); filter by `year`, `group`."""
    sets = CriteriaSet.objects.visible_to(request.user)
    if filters.year is not None:
        sets = sets.filter(year=filters.year)
    if filters.group:
        sets = sets.filter(group=filters.group)
    return sets


@router.get(
    "/sets/{int:set_id}",
    response=answers(SetDetailOut),
    operation_id="par_set_get",
    summary="Read a criteria set with its tree of criteria and its bands",
)
def set_get(request: HttpRequest, set_id: int) -> Any:
    return set_detail(get_set(request, set_id))


@router.get(
    "/sets/{int:set_id}/export.json",
    response=answers(dict[str, Any]),
    operation_id="par_set_export",
    summary="Export a criteria set as its exchange tree (JSON)",
)
def set_export(request: HttpRequest, set_id: int, response: HttpResponse) -> Any:
    """The `cchc-criteria-set/1` tree that `POST /sets/import` reads back; decimals are
    strings such as "2.5" (the exchange format's own spelling)."""
    criteria_set = get_set(request, set_id)
    filename = f"criteria-set-{criteria_set.year}-{criteria_set.group}-{criteria_set.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return set_services.criteria_set_tree(criteria_set)


@router.post(
    "/sets/import",
    response=answers(SetOut, 201),
    operation_id="par_set_import",
    summary="Import a criteria set from a JSON or XLSX file",
)
def set_import(
    request: HttpRequest,
    file: File[UploadedFile],
    year: Form[int | None] = None,
    group: Form[UnitGroup | None] = None,
    name: Form[str | None] = None,
) -> Any:
    """Upload `file` (multipart): a `.json` exchange tree or an `.xlsx` workbook; `year`,
    `group` and `name`, when sent, replace the file's own. Secretariat and administrators
    only. A file that cannot be used is 422 with one detail per problem (`file`, `row`,
    `column`, `reason`); nothing is saved."""
    require(request.user.access.can_manage_units)
    importer = (
        set_services.import_criteria_set_xlsx
        if (file.name or "").lower().endswith(".xlsx")
        else set_services.import_criteria_set_json
    )
    created = importer(file, by=request.user, year=year, group=group, name=name)
    return Status(201, created)


@router.post(
    "/sets/{int:set_id}/clone",
    response=answers(SetOut, 201),
    operation_id="par_set_clone",
    summary="Copy a criteria set for another year or under another name",
)
def set_clone(request: HttpRequest, set_id: int, payload: CloneIn) -> Any:
    """Secretariat and administrators; the copy (tree and bands) is unlocked and may be
    edited; without `name` it keeps the source's."""
    source = get_set(request, set_id)
    require(request.user.access.can_manage_units)
    copy = set_services.clone_criteria_set(
        source, year=payload.year, name=payload.name, by=request.user
    )
    return Status(201, copy)
