"""Staff pages of the survey campaigns: list, create and edit, units and quotas, the
dashboard (responses per day, progress against quota, refreshed with htmx), open and
close, one-time tokens, and the sample-size calculator.

Who: every role reads the campaigns `Campaign.objects.visible_to` gives them; focal points
and heads of unit see only their own units' rows and issue tokens for them; only the
secretariat (and administrators) create, change, open and close (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from cchc.accounts.access import require
from cchc.core.viewhelpers import file_response, pick, run

from ... import queries
from ...forms import CampaignForm, SampleSizeForm, TokenForm, UnitsForm, margin_percent
from ...models import Campaign, CampaignStatus
from ...services import campaigns as services
from ...services import tokens
from ...services.campaigns import sample_for
from .._common import visible_campaign
from .chart import day_chart

PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"

# Helpers -----------------------------------------------------------------------------------


def _managed(request: HttpRequest, pk: int) -> Campaign:
    campaign = visible_campaign(request, pk)
    require(Campaign.can_manage(request.user))
    return campaign


def _path(name: str, code: str, fallback: str) -> str:
    try:
        return reverse(name, kwargs={"code": code})
    except NoReverseMatch:
        return fallback


def public_links(code: str) -> dict[str, str]:
    """The unit's public form, its QR codes and its poster (views of `survey_form`)."""
    return {
        "form": _path("survey_form:form", code, f"/s/{code}/"),
        "qr_png": _path("survey_form:qr_png", code, f"/s/{code}/qr.png"),
        "qr_svg": _path("survey_form:qr_svg", code, f"/s/{code}/qr.svg"),
        "poster": _path("survey_form:poster", code, f"/s/{code}/poster.pdf"),
    }


# Other pages of a campaign (written elsewhere in the module): shown when they exist.
RELATED = (
    ("surveys:results_campaign", gettext_lazy("Results")),
    ("surveys:responses_list", gettext_lazy("Responses")),
    ("surveys:paper_entry", gettext_lazy("Paper entry")),
)


def related_links(campaign: Campaign, *, entry: bool) -> list[tuple[str, str]]:
    """Links to the campaign's results (everyone) and entry pages (who can enter data)."""
    found = []
    for name, label in RELATED if entry else RELATED[:1]:
        try:
            found.append((reverse(name, args=[campaign.pk]), str(label)))
        except NoReverseMatch:
            continue
    return found


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# The list ----------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    found = Campaign.objects.visible_to(request.user).select_related("version__questionnaire")
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    summaries = queries.campaign_summaries(list(page), queries.visible_unit_ids(request.user))
    context = {
        "page": page,
        "lines": [(c, summaries[c.pk]) for c in page],
        "can_manage": Campaign.can_manage(request.user),
    }
    return render(request, "surveys/campaign_list.html", context)


# Creating and editing ------------------------------------------------------------------------


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    require(Campaign.can_manage(request.user))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = run(form, services.create_campaign, by=request.user, **form.settings())
        if created is not None:
            messages.success(request, _("Campaign created. Now choose the units to survey."))
            return redirect("surveys:campaign_units", pk=created.pk)
    context = {"form": form, "campaign": None, "calculator": SampleSizeForm()}
    return render(request, "surveys/campaign_form.html", context)


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    form = CampaignForm(request.POST or None, campaign=campaign)
    editable = campaign.status != CampaignStatus.CLOSED
    if request.method == "POST" and form.is_valid():
        saved = run(form, services.update_campaign, campaign, by=request.user, **form.settings())
        if saved is not None:
            messages.success(request, _("Campaign saved."))
            return redirect("surveys:campaign_detail", pk=campaign.pk)
    context = {
        "form": form,
        "campaign": campaign,
        "editable": editable,
        "calculator": SampleSizeForm(initial={"margin": form.initial.get("margin")}),
    }
    return render(request, "surveys/campaign_form.html", context)


# Units and quotas ----------------------------------------------------------------------------


@login_required
def campaign_units(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    form = UnitsForm(request.POST or None, campaign=campaign)
    saved = request.method == "POST" and form.is_valid()
    if saved and run(form, services.set_units, campaign, form.rows(), by=request.user) is not None:
        messages.success(request, _("Units and quotas saved."))
        return redirect("surveys:campaign_units", pk=campaign.pk)
    lines = [line | {"sizing": queries.sizing(line["surveyed"])} for line in form.lines()]
    context = {
        "campaign": campaign,
        "form": form,
        "lines": lines,
        "editable": campaign.status != CampaignStatus.CLOSED,
        "margin_percent": margin_percent(campaign),
        "calculator": SampleSizeForm(initial={"margin": margin_percent(campaign)}),
    }
    return render(request, "surveys/campaign_units.html", context)


@require_POST
@login_required
def campaign_apply_quotas(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    try:
        changed = services.apply_suggested_quotas(campaign, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        if changed:
            text = ngettext(
                "%(n)s quota set to the suggested sample.",
                "%(n)s quotas set to the suggested sample.",
                changed,
            )
            messages.success(request, text % {"n": changed})
        else:
            messages.info(request, _("No quota changed: enter the population N first."))
    return redirect("surveys:campaign_units", pk=campaign.pk)


# Opening and closing -------------------------------------------------------------------------


def _transition(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    campaign = _managed(request, pk)
    try:
        service(campaign, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, done)
    return redirect("surveys:campaign_detail", pk=campaign.pk)


@require_POST
@login_required
def campaign_open(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("The campaign is open: the public forms accept answers within its period.")
    return _transition(request, pk, services.open_campaign, done)


@require_POST
@login_required
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.close_campaign, _("The campaign is closed."))


# The dashboard -------------------------------------------------------------------------------


def _progress_context(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    unit_ids = queries.visible_unit_ids(request.user)
    rows = queries.campaign_progress(campaign, unit_ids)
    counts = queries.responses_over_time(campaign, unit_ids)
    today = timezone.localdate()
    last_day = min(campaign.ends_on, max(today, campaign.starts_on))
    days = queries.every_day(counts, campaign.starts_on, last_day)
    return {
        "campaign": campaign,
        "rows": [(row, public_links(row.code)) for row in rows],
        "totals": queries.totals(rows),
        "chart": day_chart(days, title=_("Valid responses per day")),
        "day_counts": counts,
        "own_units_only": unit_ids is not None,
        "refreshed_at": timezone.localtime(),
    }


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    context = _progress_context(request, campaign)
    unit_people = tokens.token_unit_ids(request.user, campaign) != frozenset()
    context |= {
        "can_manage": Campaign.can_manage(request.user),
        "can_tokens": unit_people,
        "related": related_links(campaign, entry=unit_people),
        "margin_percent": margin_percent(campaign),
    }
    return render(request, "surveys/campaign_detail.html", context)


@login_required
def campaign_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The live part of the dashboard: a fragment for htmx polling, a page otherwise."""
    campaign = visible_campaign(request, pk)
    template = pick(
        request, "surveys/campaign_progress.html", "surveys/partials/campaign_progress.html"
    )
    return render(request, template, _progress_context(request, campaign))


# Tokens --------------------------------------------------------------------------------------


def _token_campaign(request: HttpRequest, pk: int) -> tuple[Campaign, frozenset[int] | None]:
    campaign = visible_campaign(request, pk)
    return campaign, tokens.require_token_units(request.user, campaign)


@login_required
def campaign_tokens(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, unit_ids = _token_campaign(request, pk)
    form = TokenForm(request.POST or None, campaign=campaign, unit_ids=unit_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        issued = run(
            form,
            tokens.generate_tokens,
            campaign,
            count=data["count"],
            unit=data["unit"],
            batch=data["batch"],
            by=request.user,
        )
        if issued is not None:
            text = ngettext("%(n)s token issued.", "%(n)s tokens issued.", len(issued))
            messages.success(request, text % {"n": len(issued)})
            url = reverse("surveys:campaign_tokens", args=[campaign.pk])
            return redirect(f"{url}?batch={issued[0].batch}")
    visible = tokens.tokens_of(campaign, unit_ids)
    context = {
        "campaign": campaign,
        "form": form,
        "stats": tokens.token_stats(visible),
        "batches": tokens.token_batches(visible),
        "new_batch": request.GET.get("batch", ""),
        "closed": campaign.status == CampaignStatus.CLOSED,
    }
    return render(request, "surveys/campaign_tokens.html", context)


def _batch(request: HttpRequest, pk: int) -> tuple[Campaign, list, str]:
    campaign, unit_ids = _token_campaign(request, pk)
    batch = request.GET.get("batch", "")
    found = tokens.tokens_of(campaign, unit_ids).filter(batch=batch)
    unit = request.GET.get("unit", "")
    if unit == "none":
        found = found.filter(unit__isnull=True)
    elif unit.isdigit():
        found = found.filter(unit_id=int(unit))
    listed = list(found.select_related("unit").order_by("unit__name", "id"))
    if not listed:
        raise Http404(_("No such batch of tokens."))
    name = f"tokens-{campaign.code}-{slugify(batch) or 'batch'}"
    return campaign, listed, name


@login_required
def campaign_tokens_csv(request: HttpRequest, pk: int) -> HttpResponse:
    _c, listed, name = _batch(request, pk)
    content = tokens.token_sheet_csv(listed, base_url=_site())
    return file_response(content, f"{name}.csv", CSV)


@login_required
def campaign_tokens_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, listed, name = _batch(request, pk)
    qr = request.GET.get("qr", "1") != "0"
    content = tokens.token_sheet_pdf(listed, title=campaign.name, base_url=_site(), qr=qr)
    return file_response(content, f"{name}.pdf", PDF)


def _site() -> str:
    """The public address printed on the slips (settings.SITE_URL, as on the posters)."""
    return str(getattr(settings, "SITE_URL", "") or "").rstrip("/")


# The sample-size calculator ------------------------------------------------------------------


@login_required
def campaign_sample_size(request: HttpRequest) -> HttpResponse:
    """n = N / (1 + N x e^2) for the N and e typed (GET, so it works without JavaScript)."""
    form = SampleSizeForm(request.GET if "population" in request.GET else None)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = sample_for(data["population"], data["margin"] / 100)
        except ValidationError as error:
            form.add_error(None, error)
    template = pick(
        request, "surveys/campaign_sample_size.html", "surveys/partials/campaign_sample_size.html"
    )
    return render(request, template, {"calculator": form, "result": result})


urlpatterns: list[URLPattern] = [
    path("campaigns/", campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/progress/", campaign_progress, name="campaign_progress"),
    path("campaigns/<int:pk>/edit/", campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/units/", campaign_units, name="campaign_units"),
    path(
        "campaigns/<int:pk>/units/suggested-quotas/",
        campaign_apply_quotas,
        name="campaign_apply_quotas",
    ),
    path("campaigns/<int:pk>/open/", campaign_open, name="campaign_open"),
    path("campaigns/<int:pk>/close/", campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/tokens/", campaign_tokens, name="campaign_tokens"),
    path("campaigns/<int:pk>/tokens.csv", campaign_tokens_csv, name="campaign_tokens_csv"),
    path("campaigns/<int:pk>/tokens.pdf", campaign_tokens_pdf, name="campaign_tokens_pdf"),
    path("sample-size/", campaign_sample_size, name="campaign_sample_size"),
]
