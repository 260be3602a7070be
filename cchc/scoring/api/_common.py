"""The router of the PAR Index API and the lookups its modules share.

Every object is fetched through its `visible_to(user)` queryset, so what a person may not
see is 404, not 403; the services decide who may act (403).

Refused data is 422 here: the services raise django's ValidationError (bad input, a closed
deadline, a step out of order) and `unprocessable`, a decorator on every operation of the
router, answers it in the API's one error shape
`{"error": {"code": "invalid", "message": ..., "details": [{"field", "message"}, ...]}}`.
A criteria-set file adds `file`, `row`, `column` and `reason` to each detail.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router

from cchc.accounts.models import User
from cchc.units.models import Unit

from ..models import AppraiserAssignment, CriteriaSet, Evidence, Round, Score, ScoreSheet

router = Router(tags=["PAR Index"])
PAGE = 50


# Errors ------------------------------------------------------------------------------


def problem_details(exc: ValidationError) -> list[dict[str, Any]]:
    """The `details` of a refused request: one row per message, with its field."""
    problems = getattr(exc, "problems", None)
    if problems:
        return [
            {
                "field": p.column,
                "message": p.reason,
                "file": p.file,
                "row": p.row,
                "column": p.column,
                "reason": p.reason,
            }
            for p in problems
        ]
    if hasattr(exc, "error_dict"):
        return [
            {"field": "" if field == "__all__" else field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": str(message)} for message in exc.messages]


def invalid_response(exc: ValidationError) -> HttpResponse:
    details = problem_details(exc)
    # An action refused as a whole (a closed deadline, a step out of order) says why at
    # the top; field errors keep the general message.
    if len(details) == 1 and not details[0]["field"] and "row" not in details[0]:
        message = details[0]["message"]
    else:
        message = _("The data is not valid.")
    body = {"error": {"code": "invalid", "message": message, "details": details}}
    return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})


def unprocessable(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer a service's ValidationError with 422 and its details."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except ValidationError as exc:
            return invalid_response(exc)

    return wrapper


router.add_decorator(unprocessable, mode="operation")


@contextmanager
def fields_as(names: Mapping[str, str]) -> Iterator[None]:
    """Rename the fields of a service's ValidationError to the API's names
    (e.g. `units` → `unit_ids`)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict") or getattr(exc, "problems", None):
            raise
        raise ValidationError(
            {names.get(field, field): errors for field, errors in exc.error_dict.items()}
        ) from exc


# Lookups -----------------------------------------------------------------------------


def get_set(request: HttpRequest, set_id: int) -> CriteriaSet:
    return get_object_or_404(CriteriaSet.objects.visible_to(request.user), pk=set_id)


def get_round(request: HttpRequest, round_id: int) -> Round:
    return get_object_or_404(Round.objects.visible_to(request.user), pk=round_id)


def visible_sheets(request: HttpRequest) -> Any:
    return ScoreSheet.objects.visible_to(request.user)


def get_sheet(request: HttpRequest, sheet_id: int) -> ScoreSheet:
    sheets = visible_sheets(request).select_related("round", "unit", "criteria_set")
    return get_object_or_404(sheets, pk=sheet_id)


def get_score(request: HttpRequest, score_id: int) -> Score:
    scores = Score.objects.filter(sheet__in=visible_sheets(request).values("pk"))
    scores = scores.select_related("sheet__round", "sheet__unit", "criterion")
    return get_object_or_404(scores, pk=score_id)


def get_evidence(request: HttpRequest, evidence_id: int) -> Evidence:
    found = Evidence.objects.filter(score__sheet__in=visible_sheets(request).values("pk"))
    found = found.select_related("score__sheet__round", "score__criterion", "attachment")
    return get_object_or_404(found, pk=evidence_id)


def get_assignment(round_: Round, assignment_id: int) -> AppraiserAssignment:
    return get_object_or_404(
        AppraiserAssignment.objects.filter(round=round_).select_related("appraiser"),
        pk=assignment_id,
    )


def get_unit(request: HttpRequest, unit_id: int) -> Unit:
    return get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_id)


def get_user(request: HttpRequest, user_id: int) -> User:
    return get_object_or_404(User.objects.visible_to(request.user), pk=user_id)
