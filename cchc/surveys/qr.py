"""QR codes of a surveyed unit's public form (segno): PNG and SVG of its short link.

The link is built on `settings.SITE_URL`, the public address of the site (docs/deploy.md):
a printed poster must carry the address respondents reach, not the one a member of staff
happened to use.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.urls import reverse

from .models import CampaignUnit

# Medium error correction: survives a scratched or badly lit poster, keeps the code small.
ERROR_LEVEL = "m"


def short_url(target: CampaignUnit) -> str:
    """The absolute link of the unit's public form, e.g. https://cchc.example/s/ab3k9xz/."""
    site = str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{site}{reverse('survey_form:form', args=[target.code])}"


def display_url(url: str) -> str:
    """The link as printed for typing: without the scheme."""
    return url.split("://", 1)[-1]


def _code(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR_LEVEL, micro=False)


def qr_png(url: str, *, scale: int = 10) -> bytes:
    out = io.BytesIO()
    _code(url).save(out, kind="png", scale=scale, border=4, light="#fff")
    return out.getvalue()


def qr_svg(url: str, *, title: str = "") -> bytes:
    """A scalable SVG (viewBox, no fixed size) drawn as one path."""
    out = io.BytesIO()
    _code(url).save(
        out,
        kind="svg",
        scale=10,
        border=4,
        light="#fff",
        title=title or url,
        omitsize=True,
        xmldecl=True,
    )
    return out.getvalue()
