"""The PAR Index part of each person's to-do list on the home page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Round, ScoreSheet

if TYPE_CHECKING:
    from cchc.accounts.models import User

Item = tuple[int, str, str]  # count, text, url


def _one_or_list(sheets: list[ScoreSheet]) -> str:
    """The sheet's page when there is one sheet, the PAR Index home otherwise."""
    return sheets[0].get_absolute_url() if len(sheets) == 1 else reverse("scoring:round_list")


def _unit_items(user: User) -> list[Item]:
    own = ScoreSheet.objects.filter(
        unit_id__in=user.access.own_unit_ids, round__status=Round.Status.OPEN
    )
    items = []
    drafts = list(own.filter(status=ScoreSheet.Status.DRAFT))
    if drafts:
        items.append(
            (len(drafts), _("PAR Index self-assessments to complete"), _one_or_list(drafts))
        )
    asked = list(
        own.filter(status=ScoreSheet.Status.APPRAISED_1, scores__needs_explanation=True).distinct()
    )
    if asked:
        text = _("PAR Index sheets with criteria the appraisers asked you to explain")
        items.append((len(asked), text, _one_or_list(asked)))
    return items


def _appraiser_items(user: User) -> list[Item]:
    mine = ScoreSheet.objects.filter(
        round__appraisers__appraiser=user, round__status=Round.Status.OPEN
    ).distinct()
    waiting = list(
        mine.filter(Q(status=ScoreSheet.Status.SUBMITTED) | Q(status=ScoreSheet.Status.EXPLAINED))
    )
    if not waiting:
        return []
    return [(len(waiting), _("PAR Index sheets waiting for your appraisal"), _one_or_list(waiting))]


def _round_items(user: User) -> list[Item]:
    access = user.access
    items = []
    home = reverse("scoring:round_list")
    if access.can_manage_units:
        approved = Round.objects.filter(status=Round.Status.APPROVED).count()
        if approved:
            items.append(
                (approved, _("PAR Index rounds approved by the council, to publish"), home)
            )
    if access.has_role("council_member"):
        compiled = Round.objects.filter(status=Round.Status.COMPILED).exclude(
            approvals__member=user
        )
        if count := compiled.count():
            items.append((count, _("PAR Index results waiting for your approval"), home))
    return items


def scoring_items(user: User) -> list[Item]:
    items = []
    if user.access.own_unit_ids:
        items += _unit_items(user)
    if user.access.has_role("appraiser"):
        items += _appraiser_items(user)
    return items + _round_items(user)
