"""The satisfaction-survey part of each person's to-do list on the home page.

`survey_items(user)` returns (count, text, url) like `cchc.scoring.todo.scoring_items`;
`cchc.core.home.todo_for` can add it next to the PAR Index items.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Campaign, CampaignStatus
from .queries import campaign_progress

if TYPE_CHECKING:
    from cchc.accounts.models import User

Item = tuple[int, str, str]  # count, text, url
SOON = datetime.timedelta(days=14)


def _link(campaigns: list[Campaign]) -> str:
    """The campaign's dashboard when there is one, the campaign list otherwise."""
    if len(campaigns) == 1:
        return reverse("surveys:campaign_detail", args=[campaigns[0].pk])
    return reverse("surveys:campaign_list")


def _manager_items(today: datetime.date) -> list[Item]:
    late = list(Campaign.objects.filter(status=CampaignStatus.DRAFT, starts_on__lte=today))
    items = []
    if late:
        text = _("Survey campaigns past their start date and not yet opened")
        items.append((len(late), text, _link(late)))
    ending = list(Campaign.objects.filter(status=CampaignStatus.OPEN, ends_on__lt=today + SOON))
    if ending:
        text = _("Survey campaigns ending within 14 days (or past their end) still open")
        items.append((len(ending), text, _link(ending)))
    return items


def _unit_items(user: User) -> list[Item]:
    """Own units under their target in campaigns collecting now (one item per campaign)."""
    own = user.access.own_unit_ids
    open_ = Campaign.objects.filter(status=CampaignStatus.OPEN, surveyed_units__unit_id__in=own)
    items = []
    for campaign in open_.distinct()[:10]:
        under = [row for row in campaign_progress(campaign, own) if row.under_quota]
        if under:
            text = _("%(campaign)s: your units under their survey target") % {
                "campaign": campaign.name
            }
            items.append((len(under), text, _link([campaign])))
    return items


def survey_items(user: User) -> list[Item]:
    today = timezone.localdate()
    items: list[Item] = []
    if Campaign.can_manage(user):
        items += _manager_items(today)
    if user.is_authenticated and user.access.own_unit_ids:
        items += _unit_items(user)
    return items
