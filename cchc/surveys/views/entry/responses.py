"""The secretariat's response pages: the list (units read their own), one response with its
invalidation, the duplicates report and importing a file of responses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cchc.accounts.access import require
from cchc.core.viewhelpers import run

from ...answers import spec_for
from ...models import Campaign, Response
from ...services import entry as services
from ...services.importing import ImportReport, import_responses
from ...services.responses import invalidate_response
from .._common import visible_campaign
from ._common import bound, page_context, require_entry
from .forms import ImportForm, InvalidateForm, ResponseFilterForm

PAGE = 50


def _responses(request: HttpRequest, campaign: Campaign) -> QuerySet[Response]:
    return Response.objects.visible_to(request.user).filter(campaign=campaign)


@login_required
def responses_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    require_entry(request, campaign)
    units = services.enterable_units(campaign, request.user)
    form = ResponseFilterForm(request.GET or None, units=units)
    found = services.filter_responses(
        _responses(request, campaign).select_related("unit"), **form.filters()
    )
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    spec = spec_for(campaign.version)
    rows = [(r, services.answers_summary(spec, r.answers)) for r in page.object_list]
    context = page_context(request, campaign, form=form, page=page, rows=rows)
    return render(request, "surveys/responses_list.html", context)


@login_required
def response_detail(request: HttpRequest, pk: int, response_pk: int) -> HttpResponse:
    """One response; a POST invalidates it (secretariat only, a reason required)."""
    campaign = visible_campaign(request, pk)
    related = ("unit", "entered_by", "verified_by", "invalidated_by")
    response = get_object_or_404(
        _responses(request, campaign).select_related(*related), pk=response_pk
    )
    can_manage = Campaign.can_manage(request.user)
    form = InvalidateForm(bound(request)[0])
    if request.method == "POST":
        require(can_manage)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            if run(form, invalidate_response, response, reason=reason, by=request.user):
                messages.success(request, _("The response was invalidated."))
                return redirect("surveys:response_detail", campaign.pk, response.pk)
    context = page_context(
        request,
        campaign,
        response=response,
        lines=services.answer_lines(campaign.version, response.answers),
        procedure_name=campaign.procedure_name(response.procedure_code),
        form=form,
    )
    return render(request, "surveys/responses_detail.html", context)


@login_required
def responses_duplicates(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    groups = services.duplicate_groups(campaign, request.user)
    context = page_context(request, campaign, groups=groups)
    return render(request, "surveys/responses_duplicates.html", context)


@login_required
def responses_import(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    require_entry(request, campaign)
    form = ImportForm(*bound(request))
    report = None
    if request.method == "POST" and form.is_valid():
        report = import_responses(campaign, form.cleaned_data["file"], by=request.user)
        if report.ok:
            messages.success(request, _imported(report))
            return redirect("surveys:responses_list", campaign.pk)
    context = page_context(request, campaign, form=form, report=report)
    return render(request, "surveys/responses_import.html", context)


def _imported(report: ImportReport) -> str:
    text = _("%(n)s responses were imported from %(file)s (batch %(batch)s).") % {
        "n": report.imported,
        "file": report.file,
        "batch": report.batch,
    }
    if report.ignored:
        names = ", ".join(c.name for c in report.ignored)
        text += " " + _("Columns ignored: %(names)s.") % {"names": names}
    return text
