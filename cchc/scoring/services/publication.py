"""Compile, council approval, publication and recorded revisions."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.audit import record_event
from cchc.core.notify import notify

from .. import calculations as calc
from ..models import CouncilApproval, Publication, PublishedResult, Round, Score, ScoreSheet, Stage
from ._common import (
    council_members,
    require_status,
    require_window,
    save,
    secretariat,
    unit_people,
    url,
)
from .recompute import SetShape, recompute_round, recompute_sheet


@transaction.atomic
def compile_round(round_: Round, *, by: User) -> Round:
    """Every sheet final → the round goes to the council."""
    require(round_.can_manage(by))
    require_status(round_.status, Round.Status.OPEN, message=_("The round is already compiled."))
    open_sheets = round_.sheets.exclude(status=ScoreSheet.Status.FINAL).select_related("unit")
    if open_sheets.exists():
        names = ", ".join(str(s.unit) for s in open_sheets[:10])
        raise ValidationError(
            _("These units' appraisal is not final yet: %(units)s.") % {"units": names}
        )
    recompute_round(round_)
    round_.status, round_.compiled_at = Round.Status.COMPILED, timezone.now()
    save(round_, by=by, update_fields=["status", "compiled_at"])
    record_event(round_, "round.compiled", by=by, data={"sheets": round_.sheets.count()})
    text = _("%(round)s is compiled: review the results and approve them.") % {"round": round_.name}
    notify(
        council_members(),
        verb="round.compiled",
        text=text,
        url=url(round_),
        email_subject=text,
        email_body=text,
    )
    return round_


@transaction.atomic
def approve_round(round_: Round, *, by: User, comment: str = "") -> CouncilApproval:
    """A council member approves the compiled results; at the quorum the round is approved."""
    require(round_.can_approve(by))
    require_status(
        round_.status,
        Round.Status.COMPILED,
        Round.Status.APPROVED,
        message=_("Only compiled results go to the council."),
    )
    require_window(round_, Stage.COUNCIL)
    if round_.approvals.filter(member=by).exists():
        raise ValidationError(_("You have already approved these results."))
    approval = CouncilApproval(round=round_, member=by, comment=comment.strip())
    save(approval, by=by)
    record_event(round_, "round.approved", by=by, data={"comment": approval.comment})
    if round_.status == Round.Status.COMPILED and round_.approvals.count() >= round_.council_quorum:
        round_.status = Round.Status.APPROVED
        save(round_, by=by, update_fields=["status"])
        text = _("%(round)s: the council approved the results; they can be published.") % {
            "round": round_.name
        }
        notify(secretariat(), verb="round.approved", text=text, url=url(round_))
    return approval


def results(round_: Round) -> list[dict]:
    """The lines of a publication: per unit its totals, rank in its group and band."""
    shapes = {s.pk: SetShape.of(s, with_criteria=False) for s in round_.criteria_sets.all()}
    sheets = list(round_.sheets.select_related("unit").order_by("unit__name"))
    ranks: dict[int, int | None] = {}
    by_group: dict[str, dict[int, Decimal | None]] = defaultdict(dict)
    for sheet in sheets:
        by_group[shapes[sheet.criteria_set_id].criteria_set.group][sheet.pk] = sheet.index
    for scores in by_group.values():
        ranks.update(calc.rank(scores))  # type: ignore[arg-type]
    lines = []
    for sheet in sheets:
        shape = shapes[sheet.criteria_set_id]
        lines.append(
            {
                "unit": sheet.unit_id,
                "unit_name": str(sheet.unit),
                "group": shape.criteria_set.group,
                "self_total": None if sheet.self_total is None else str(sheet.self_total),
                "appraised_total": str(sheet.appraised_total),
                "maximum": str(sheet.maximum),
                "index": None if sheet.index is None else str(sheet.index),
                "rank": ranks[sheet.pk],
                "band": calc.classify(sheet.index, shape.bands),
                "areas": sheet.areas,
            }
        )
    return lines


def _freeze(round_: Round, *, by: User, revision: int, reason: str) -> Publication:
    lines = results(round_)
    publication = Publication.objects.create(
        round=round_,
        revision=revision,
        reason=reason,
        published_by=by,
        snapshot={"year": round_.year, "name": round_.name, "results": lines},
    )
    PublishedResult.objects.bulk_create(
        PublishedResult(
            publication=publication,
            unit_id=line["unit"],
            group=line["group"],
            self_total=line["self_total"],
            appraised_total=line["appraised_total"],
            maximum=line["maximum"],
            index=line["index"],
            rank=line["rank"],
            band=line["band"],
            areas=line["areas"],
        )
        for line in lines
    )
    return publication


@transaction.atomic
def publish_round(round_: Round, *, by: User, tell_units: bool = True) -> Publication:
    """Freeze the approved results in an immutable snapshot: scores, ranks, bands."""
    require(round_.can_manage(by))
    require_status(
        round_.status,
        Round.Status.APPROVED,
        message=_("The council has not approved these results yet."),
    )
    recompute_round(round_)
    publication = _freeze(round_, by=by, revision=1, reason="")
    round_.status = Round.Status.PUBLISHED
    save(round_, by=by, update_fields=["status"])
    record_event(round_, "round.published", by=by, data={"publication": publication.pk})
    if not tell_units:
        return publication
    text = _("The results of %(round)s are published.") % {"round": round_.name}
    people = {u for sheet in round_.sheets.all() for u in unit_people(sheet.unit_id)}
    notify(
        people,
        verb="round.published",
        text=text,
        url=url(round_),
        email_subject=text,
        email_body=text,
    )
    return publication


@transaction.atomic
def correct_published_score(score: Score, *, points: Decimal, reason: str, by: User) -> Publication:
    """Correct a final score after publication: the change is recorded on the score and a
    new revision of the publication, with its reason, replaces the current one (the earlier
    revisions stay as they were)."""
    sheet = score.sheet
    round_ = sheet.round
    require(round_.can_manage(by))
    require_status(
        round_.status, Round.Status.PUBLISHED, message=_("Only published results are revised.")
    )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    step = calc._decimal(score.criterion.params.get("step"))
    try:
        calc.check_points(points, score.criterion.max_points, step)
    except calc.ScoringError as exc:
        raise ValidationError({"points": str(exc)}) from exc
    before = str(score.appraised_points)
    score.round_2_points = points
    score.round_2_comment = reason.strip()
    save(score, by=by, update_fields=["round_2_points", "round_2_comment"])
    recompute_sheet(sheet)
    record_event(
        sheet,
        "score.corrected",
        by=by,
        data={"criterion": score.criterion.code, "points": [before, str(points)], "reason": reason},
    )
    latest = round_.publications.latest()
    publication = _freeze(round_, by=by, revision=latest.revision + 1, reason=reason.strip())
    record_event(
        round_, "round.revised", by=by, data={"revision": publication.revision, "reason": reason}
    )
    text = _("%(round)s: the published results were revised (%(reason)s).") % {
        "round": round_.name,
        "reason": reason.strip(),
    }
    notify(unit_people(sheet.unit_id), verb="round.revised", text=text, url=url(round_))
    return publication


def current_publication(round_: Round) -> Publication | None:
    return round_.publications.order_by("-revision").first()
