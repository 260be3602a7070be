"""Paper forms typed by staff: the entry page, the forms waiting for their second typing or
for settling, and the comparison of two typings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ...answers import AnswersInvalid
from ...models import Campaign, CampaignUnit, PaperEntry, Response
from ...services import entry as services
from .._common import visible_campaign
from ._common import bound, page_context, require_entry
from .forms import PaperForm, SettleForm


@login_required
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    require_entry(request, campaign)
    units = services.enterable_units(campaign, request.user)
    initial = {k: request.GET[k] for k in ("unit", "serial", "procedure") if k in request.GET}
    form = PaperForm(bound(request)[0], campaign=campaign, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.enter_paper(
                data["unit"],
                data["serial"],
                form.answers(),
                by=request.user,
                procedure_code=data.get("procedure", ""),
            )
        except AnswersInvalid as error:
            form.add_problems(error)
        else:
            _announce(request, campaign, outcome)
            query = urlencode({"unit": data["unit"].pk, "procedure": data.get("procedure", "")})
            return redirect(f"{reverse('surveys:paper_entry', args=[campaign.pk])}?{query}")
    context = page_context(request, campaign, form=form, double=campaign.double_entry)
    return render(request, "surveys/entry_form.html", context)


def _announce(request: HttpRequest, campaign: Campaign, outcome: PaperEntry | Response) -> None:
    if isinstance(outcome, Response):
        text = _("Form %(serial)s was saved as response #%(id)s.")
        messages.success(request, text % {"serial": outcome.paper_serial, "id": outcome.pk})
    elif outcome.entry_no == 1:
        text = _("First entry of form %(serial)s saved; a colleague must now type it again.")
        messages.success(request, text % {"serial": outcome.serial})
    else:
        text = _(
            "The two entries of form %(serial)s differ: it waits in the list of forms to settle."
        )
        messages.warning(request, text % {"serial": outcome.serial})


@login_required
def paper_pending(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    require_entry(request, campaign)
    rows = services.pending(campaign, request.user)
    return render(request, "surveys/entry_pending.html", page_context(request, campaign, rows=rows))


@login_required
def paper_compare(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    require_entry(request, campaign)
    units = services.enterable_units(campaign, request.user)
    first = get_object_or_404(
        PaperEntry.objects.filter(campaign=campaign, unit_id__in=units.values("unit_id")),
        pk=entry_pk,
    )
    target = units.get(unit_id=first.unit_id)
    lines = _lines(request, target, first.serial)
    if lines is None:
        return redirect("surveys:paper_pending", campaign.pk)
    form = SettleForm(bound(request)[0], lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            response = services.settle(target, first.serial, form.choices(), by=request.user)
        except AnswersInvalid as error:
            form.add_problems(error)
        else:
            text = _("Form %(serial)s was settled and saved as response #%(id)s.")
            messages.success(request, text % {"serial": first.serial, "id": response.pk})
            return redirect("surveys:response_detail", campaign.pk, response.pk)
    context = page_context(request, campaign, entry=first, lines=lines, form=form)
    return render(request, "surveys/entry_compare.html", context)


def _lines(
    request: HttpRequest, target: CampaignUnit, serial: str
) -> list[services.DiffLine] | None:
    """The comparison, or None (with a message) when there is nothing to compare yet."""
    try:
        return services.compare(target, serial, by=request.user)
    except AnswersInvalid as error:
        for problems in error.problems.values():
            for problem in problems:
                messages.info(request, problem)
        return None
