"""PAR Index API: rounds — open, schedule, exceptions, appraisers, compile, approve, publish."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status
from ninja.pagination import PageNumberPagination, paginate

from cchc.accounts.access import require
from cchc.units.models import Unit

from ..models import CriteriaSet, Round
from ..services import publication, rounds
from ._common import (
    PAGE,
    fields_as,
    get_assignment,
    get_round,
    get_unit,
    get_user,
    router,
)
from .schemas import (
    AppraiserIn,
    AppraiserOut,
    ApproveIn,
    ExceptionIn,
    ExceptionOut,
    PublicationOut,
    RoundDetailOut,
    RoundIn,
    RoundOut,
    ScheduleChange,
    answers,
)


def round_detail(round_: Round, user: Any) -> dict[str, Any]:
    """The round with who appraises what, the council's approvals, the publications and
    the deadline exceptions (managers: all; others: those of their own units)."""
    detail = RoundOut.from_orm(round_).dict()
    exceptions = round_.exceptions.select_related("unit")
    if not round_.can_manage(user):
        exceptions = exceptions.filter(unit_id__in=user.access.own_unit_ids)
    approvals = round_.approvals.select_related("member").order_by("approved_at")
    if not round_.can_see_results(user):
        approvals = approvals.none()  # comments may speak of results not yet published
    detail |= {
        "appraisers": list(round_.appraisers.select_related("appraiser")),
        "approvals": list(approvals),
        "publications": list(round_.publications.select_related("published_by")),
        "exceptions": list(exceptions),
    }
    return detail


@router.get(
    "/rounds",
    response=list[RoundOut],
    operation_id="par_round_list",
    summary="List assessment rounds",
)
@paginate(PageNumberPagination, page_size=PAGE)
def round_list(request: HttpRequest) -> Any:
    """Every round, newest first (every role sees the rounds)."""
    return Round.objects.visible_to(request.user).prefetch_related("criteria_sets")


@router.get(
    "/rounds/{int:round_id}",
    response=answers(RoundDetailOut),
    operation_id="par_round_get",
    summary="Read a round: schedule, status, stage, appraisers, approvals, publications",
)
def round_get(request: HttpRequest, round_id: int) -> Any:
    return round_detail(get_round(request, round_id), request.user)


@router.post(
    "/rounds",
    response=answers(RoundDetailOut, 201),
    operation_id="par_round_open",
    summary="Open a round",
)
def round_open(request: HttpRequest, payload: RoundIn) -> Any:
    """Secretariat and administrators. Locks the criteria sets and gives every unit in scope
    (`unit_ids`, or by default every current unit of the sets' groups) a score sheet."""
    require(request.user.access.can_manage_units)
    wanted = set(payload.criteria_set_ids)
    sets = list(CriteriaSet.objects.visible_to(request.user).filter(pk__in=wanted))
    if len(sets) != len(wanted):
        raise ValidationError({"criteria_set_ids": _("Choose criteria sets that exist.")})
    units = None
    if payload.unit_ids is not None:
        units = list(Unit.objects.visible_to(request.user).filter(pk__in=set(payload.unit_ids)))
        if len(units) != len(set(payload.unit_ids)):
            raise ValidationError({"unit_ids": _("Choose units that exist.")})
    names = {"criteria_sets": "criteria_set_ids", "units": "unit_ids"}
    names |= {f: f"schedule.{f}" for f in rounds.SCHEDULE}
    with fields_as(names):
        opened = rounds.open_round(
            year=payload.year,
            name=payload.name,
            criteria_sets=sets,
            schedule=payload.schedule.dict(),
            by=request.user,
            units=units,
            council_quorum=payload.council_quorum,
        )
    return Status(201, round_detail(opened, request.user))


@router.patch(
    "/rounds/{int:round_id}/schedule",
    response=answers(RoundDetailOut),
    operation_id="par_round_schedule",
    summary="Change a round's schedule",
)
def round_schedule(request: HttpRequest, round_id: int, payload: ScheduleChange) -> Any:
    """Secretariat and administrators, until the round is published; the dates sent change."""
    round_ = get_round(request, round_id)
    changed = {k: v for k, v in payload.dict().items() if v is not None}
    rounds.change_schedule(round_, changed, by=request.user)
    return round_detail(round_, request.user)


@router.post(
    "/rounds/{int:round_id}/exceptions",
    response=answers(ExceptionOut, 201),
    operation_id="par_round_exception",
    summary="Let one unit act after a stage's deadline",
)
def round_exception(request: HttpRequest, round_id: int, payload: ExceptionIn) -> Any:
    """Secretariat and administrators: the unit may act in `stage` until `until`."""
    round_ = get_round(request, round_id)
    require(round_.can_manage(request.user))
    unit = get_unit(request, payload.unit_id)
    with fields_as({"unit": "unit_id"}):
        granted = rounds.grant_exception(
            round_,
            unit=unit,
            stage=payload.stage,
            until=payload.until,
            reason=payload.reason,
            by=request.user,
        )
    return Status(201, granted)


@router.post(
    "/rounds/{int:round_id}/appraisers",
    response=answers(AppraiserOut, 201),
    operation_id="par_round_appraiser_add",
    summary="Assign an appraiser to an area of a round",
)
def round_appraiser_add(request: HttpRequest, round_id: int, payload: AppraiserIn) -> Any:
    """Secretariat and administrators; the person must hold the appraiser role."""
    round_ = get_round(request, round_id)
    require(round_.can_manage(request.user))
    person = get_user(request, payload.appraiser_id)
    with fields_as({"appraiser": "appraiser_id"}):
        assignment = rounds.assign_appraiser(
            round_, area_code=payload.area_code, appraiser=person, by=request.user
        )
    return Status(201, assignment)


@router.delete(
    "/rounds/{int:round_id}/appraisers/{int:assignment_id}",
    response=answers(None, 204),
    operation_id="par_round_appraiser_remove",
    summary="Remove an appraiser from an area of a round",
)
def round_appraiser_remove(request: HttpRequest, round_id: int, assignment_id: int) -> Any:
    """Secretariat and administrators."""
    round_ = get_round(request, round_id)
    require(round_.can_manage(request.user))
    rounds.remove_appraiser(get_assignment(round_, assignment_id), by=request.user)
    return Status(204, None)


@router.post(
    "/rounds/{int:round_id}/compile",
    response=answers(RoundDetailOut),
    operation_id="par_round_compile",
    summary="Compile a round for the council",
)
def round_compile(request: HttpRequest, round_id: int) -> Any:
    """Secretariat and administrators, once every sheet's appraisal is final."""
    round_ = get_round(request, round_id)
    publication.compile_round(round_, by=request.user)
    return round_detail(round_, request.user)


@router.post(
    "/rounds/{int:round_id}/approve",
    response=answers(RoundDetailOut),
    operation_id="par_round_approve",
    summary="Approve a compiled round (council)",
)
def round_approve(request: HttpRequest, round_id: int, payload: ApproveIn) -> Any:
    """Council members, in the council's window; at the quorum the round is approved."""
    round_ = get_round(request, round_id)
    publication.approve_round(round_, by=request.user, comment=payload.comment)
    round_.refresh_from_db()
    return round_detail(round_, request.user)


@router.post(
    "/rounds/{int:round_id}/publish",
    response=answers(PublicationOut, 201),
    operation_id="par_round_publish",
    summary="Publish an approved round's results",
)
def round_publish(request: HttpRequest, round_id: int) -> Any:
    """Secretariat and administrators: freezes revision 1 of the results."""
    round_ = get_round(request, round_id)
    return Status(201, publication.publish_round(round_, by=request.user))
