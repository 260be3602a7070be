"""The respondents' side: the public form at its short link `/s/<code>/`, no account.

The form works without JavaScript (a small script only hides the questions a condition
does not ask), on a 360 px phone, in Vietnamese with an English switch (the site's
`set_language`, a form POST). Nothing personal is kept: no session is opened, no address
or browser is stored; abuse is held off by `abuse` (size and rate limits, a honeypot).

A submission is checked in this order: size (413, before the body is read), rate (429),
CSRF, honeypot (pretend success, store nothing), then `submit_response`; refused answers
re-render the form with the answers kept and each message next to its question.

The QR codes and the A4 poster of a unit's form are for staff: signed in, the campaign
visible to them, and the unit theirs unless they see every unit (404 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from cchc.core.viewhelpers import file_response

from .. import abuse
from ..answers import AnswersInvalid
from ..models import Campaign, CampaignUnit
from ..poster import poster_pdf
from ..public_form import Problem, bind, closed_reason, layout_for, public_target, raw_answers
from ..qr import qr_png as make_png
from ..qr import qr_svg as make_svg
from ..qr import short_url
from ..services.responses import submit_response

PDF = "application/pdf"
TOKEN_LENGTH = 64


def _closed(request: HttpRequest, target: CampaignUnit, reason: str) -> HttpResponse:
    context = {"target": target, "campaign": target.campaign, "reason": reason}
    return render(request, "surveys/public/closed.html", context)


def _refused(request: HttpRequest, target: CampaignUnit, status: int, message: str) -> HttpResponse:
    context = {"target": target, "message": message, "status": status}
    return render(request, "surveys/public/refused.html", context, status=status)


def _token_context(request: HttpRequest, campaign: Campaign, errors: list[str]) -> dict[str, Any]:
    """The token field: hidden when it came with the link, shown when asked for or wrong."""
    source = request.POST if request.method == "POST" else request.GET
    key = "token" if request.method == "POST" else "t"
    value = source.get(key, "").strip()[:TOKEN_LENGTH]
    from_link = bool(value) and (request.method == "GET" or source.get("t_link") == "1")
    visible = bool(errors) or (campaign.tokens_required and not from_link)
    return {"value": value, "from_link": from_link, "visible": visible, "errors": errors}


def _summary(
    questions: list[Problem], problems: dict[str, list[str]], token_visible: bool
) -> list[Problem]:
    """Every problem in form order: the procedure, the token, then the questions."""
    top = [Problem("", "", m) for key in ("campaign", "") for m in problems.get(key, [])]
    procedure = [Problem("procedure", _("Procedure"), m) for m in problems.get("procedure", [])]
    token = [
        Problem("token" if token_visible else "", _("Code on your receipt"), m)
        for m in problems.get("token", [])
    ]
    return top + procedure + token + questions


def _form_page(
    request: HttpRequest, target: CampaignUnit, problems: dict[str, list[str]] | None = None
) -> HttpResponse:
    problems = problems or {}
    campaign = target.campaign
    posted = request.POST if request.method == "POST" else None
    sections, question_problems = bind(layout_for(campaign.version), posted, problems)
    token = _token_context(request, campaign, problems.get("token", []))
    context = {
        "target": target,
        "campaign": campaign,
        "sections": sections,
        "problems": _summary(question_problems, problems, token["visible"]),
        "token": token,
        "procedure": {
            "value": posted.get("procedure", "") if posted else "",
            "errors": problems.get("procedure", []),
        },
        "honeypot": abuse.HONEYPOT_FIELD,
    }
    return render(request, "surveys/public/form.html", context)


def _answer(request: HttpRequest, target: CampaignUnit) -> HttpResponse:
    campaign = target.campaign
    reason = closed_reason(campaign, timezone.localdate())
    if reason:
        return _closed(request, target, reason)
    if abuse.is_bot(request.POST.get(abuse.HONEYPOT_FIELD)):
        abuse.note(campaign.pk, "honeypot")
        return redirect("survey_form:thanks", code=target.code)
    try:
        submit_response(
            target,
            raw_answers(layout_for(campaign.version), request.POST),
            channel="web",
            token=request.POST.get("token", "")[:TOKEN_LENGTH],
            procedure_code=request.POST.get("procedure", "").strip()[:64],
        )
    except AnswersInvalid as refused:
        return _form_page(request, target, refused.problems)
    return redirect("survey_form:thanks", code=target.code)


# The CSRF check runs inside `form`, after the size and rate checks (see the module doc).
_protected_answer = csrf_protect(_answer)


def _guard(request: HttpRequest, target: CampaignUnit) -> HttpResponse | None:
    """413 for an oversized body (before it is read), 429 past the rate limit."""
    refused = abuse.refusal(request, target)
    if refused is None:
        return None
    response = _refused(request, target, refused.status, refused.message)
    if refused.retry_after is not None:
        response["Retry-After"] = str(refused.retry_after)
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def form(request: HttpRequest, code: str) -> HttpResponse:
    target = public_target(code)
    if request.method == "POST":
        return _guard(request, target) or _protected_answer(request, target)
    reason = closed_reason(target.campaign, timezone.localdate())
    if reason:
        return _closed(request, target, reason)
    return _form_page(request, target)


@require_GET
def thanks(request: HttpRequest, code: str) -> HttpResponse:
    target = public_target(code)
    return render(request, "surveys/public/thanks.html", {"target": target})


# --- for staff: QR codes and the poster -------------------------------------------------------


def _staff_target(request: HttpRequest, code: str) -> CampaignUnit:
    """The unit's form if the campaign is visible and the unit is the person's (or they see
    every unit); 404 otherwise."""
    target = public_target(code)
    user = request.user
    if not Campaign.objects.visible_to(user).filter(pk=target.campaign_id).exists():
        raise Http404
    if not user.access.sees_all_units and target.unit_id not in user.access.own_unit_ids:
        raise Http404
    return target


def _inline(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def qr_png(request: HttpRequest, code: str) -> HttpResponse:
    target = _staff_target(request, code)
    return _inline(make_png(short_url(target)), "image/png", f"qr-{target.code}.png")


@login_required
@require_GET
def qr_svg(request: HttpRequest, code: str) -> HttpResponse:
    target = _staff_target(request, code)
    title = f"{target.unit.name} - {target.campaign.name}"
    return _inline(
        make_svg(short_url(target), title=title), "image/svg+xml", f"qr-{target.code}.svg"
    )


@login_required
@require_GET
def poster(request: HttpRequest, code: str) -> HttpResponse:
    target = _staff_target(request, code)
    return file_response(poster_pdf(target, short_url(target)), f"poster-{target.code}.pdf", PDF)


urlpatterns: list[URLPattern] = [
    path("<str:code>/", form, name="form"),
    path("<str:code>/thanks/", thanks, name="thanks"),
    path("<str:code>/qr.png", qr_png, name="qr_png"),
    path("<str:code>/qr.svg", qr_svg, name="qr_svg"),
    path("<str:code>/poster.pdf", poster, name="poster"),
]
