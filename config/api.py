"""The cchc HTTP API: one NinjaAPI, each app mounts its Router here.

Authentication: the browser session (with CSRF) or a personal API token sent as
`Authorization: Bearer cchc_…`. Every error has one JSON shape:
`{"error": {"code": "...", "message": "...", "details": [...]}}`.
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth

from cchc.accounts.api import TokenAuth
from cchc.accounts.api import router as accounts_router
from cchc.plans.api import router as plans_router
from cchc.scoring.api import router as scoring_router
from cchc.surveys.api import router as surveys_router
from cchc.units.api import router as units_router

api = NinjaAPI(
    title="cchc API",
    version="1.0.0",
    description=_("Public administration reform platform: organisation, people, plans, indices."),
    auth=[SessionAuth(), TokenAuth()],
    urls_namespace="api-1.0.0",
    # The interactive docs are ninja's bundled Swagger UI (no CDN); it sets inline styles.
    docs_decorator=csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]}),
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, details: list[Any] | None = None
) -> HttpResponse:
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "details": details or []}},
        status=status,
    )


def _in_body(error: dict[str, Any]) -> bool:
    """A body error's location is ("body", <parameter>, field…): name the field only."""
    loc = error.get("loc", [])
    return len(loc) > 2 and loc[0] == "body"


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [
        {
            "field": ".".join(str(p) for p in e.get("loc", [])[2 if _in_body(e) else 1 :]),
            "message": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    return error_response(request, 422, "invalid", _("The request is not valid."), details)


@api.exception_handler(DjangoValidationError)
def _django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "message_dict"):
        details = [
            {"field": field, "message": str(m)}
            for field, messages in exc.message_dict.items()
            for m in messages
        ]
    else:
        details = [{"field": "", "message": str(m)} for m in exc.messages]
    return error_response(request, 422, "invalid", _("The data is not valid."), details)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", _("Log in or send an API token."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", _("You may not do this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "error", str(exc))


api.add_router("/accounts", accounts_router)
api.add_router("/units", units_router)
api.add_router("/plans", plans_router)
api.add_router("/par-index", scoring_router)
api.add_router("/surveys", surveys_router)
