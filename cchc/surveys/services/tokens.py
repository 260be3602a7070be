"""One-time tokens: issuing them in batches, printing them, counting them.

A token is printed on a dossier receipt with the unit's short link `/s/<code>/?t=<token>`.
It is consumed once by `services.responses.submit_response` (only `used_hour` is set) and is
never linked to the answers: nothing here can tell which response used which token.
Who: the secretariat for any unit of a campaign, a unit's focal point or head for their own.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.audit import record_event, register_verbs
from cchc.units.models import Unit

from ..exporting import csv_bytes
from ..models import Campaign, CampaignStatus, CampaignUnit, SurveyToken
from ..models.campaigns import new_token
from ..pdf import FONT, new_a4, nfc

register_verbs({"tokens.generated": gettext_lazy("issued one-time survey tokens")})

MAX_TOKENS = 5000
MAX_BATCH_LABEL = 64


# Who may issue and see tokens ---------------------------------------------------------------


def token_unit_ids(user: User, campaign: Campaign) -> frozenset[int] | None:
    """The units whose tokens `user` may issue and print: None for every unit (secretariat),
    else their own units that the campaign surveys (possibly none)."""
    if Campaign.can_manage(user):
        return None
    if not user.is_authenticated:
        return frozenset()
    surveyed = set(campaign.surveyed_units.values_list("unit_id", flat=True))
    return frozenset(surveyed & user.access.own_unit_ids)


def can_issue(user: User, campaign: Campaign, unit: Unit | None) -> bool:
    allowed = token_unit_ids(user, campaign)
    if allowed is None:
        return True
    return unit is not None and unit.pk in allowed


def require_token_units(user: User, campaign: Campaign) -> frozenset[int] | None:
    """`token_unit_ids`, refusing (403) a person with none of the campaign's units."""
    unit_ids = token_unit_ids(user, campaign)
    require(unit_ids is None or bool(unit_ids))
    return unit_ids


def tokens_of(campaign: Campaign, unit_ids: frozenset[int] | None) -> QuerySet[SurveyToken]:
    """The campaign's tokens for `unit_ids` as `token_unit_ids` gives them (None: all)."""
    tokens = SurveyToken.objects.filter(campaign=campaign)
    return tokens if unit_ids is None else tokens.filter(unit_id__in=unit_ids)


def visible_tokens(user: User, campaign: Campaign) -> QuerySet[SurveyToken]:
    return tokens_of(campaign, token_unit_ids(user, campaign))


# Issuing ----------------------------------------------------------------------------------


def _check_request(campaign: Campaign, count: int, unit: Unit | None, batch: str) -> None:
    errors: dict[str, str] = {}
    if campaign.status == CampaignStatus.CLOSED:
        errors["campaign"] = _("This campaign is closed: no more tokens can be issued.")
    if not isinstance(count, int) or not 1 <= count <= MAX_TOKENS:
        errors["count"] = _("Issue from 1 to %(max)s tokens at a time.") % {"max": MAX_TOKENS}
    if unit is not None and not campaign.surveyed_units.filter(unit=unit).exists():
        errors["unit"] = _("This unit is not surveyed in the campaign.")
    if len(batch) > MAX_BATCH_LABEL:
        errors["batch"] = _("A batch label has at most %(max)s characters.") % {
            "max": MAX_BATCH_LABEL
        }
    if errors:
        raise ValidationError(errors)


def _fresh_codes(count: int) -> list[str]:
    """`count` new codes that no token has yet (a collision is very unlikely, but checked)."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {new_token() for _ in range(count - len(codes))} - codes
        taken = set(SurveyToken.objects.filter(code__in=wanted).values_list("code", flat=True))
        codes |= wanted - taken
    return sorted(codes)


def default_batch() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M%S")


def generate_tokens(
    campaign: Campaign, *, count: int, unit: Unit | None = None, batch: str = "", by: User
) -> list[SurveyToken]:
    """Issue `count` tokens (for one unit, or for any unit of the campaign when `unit` is
    None: the secretariat only). The audit trail records the count, never the codes."""
    require(can_issue(by, campaign, unit))
    batch = batch.strip() or default_batch()
    with transaction.atomic():
        current = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _check_request(current, count, unit, batch)
        tokens = SurveyToken.objects.bulk_create(
            SurveyToken(campaign=campaign, unit=unit, code=code, batch=batch)
            for code in _fresh_codes(count)
        )
        record_event(
            campaign,
            "tokens.generated",
            by=by,
            data={"count": count, "unit": unit.code if unit else None, "batch": batch},
        )
    return tokens


# Counting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenCount:
    unit_id: int | None
    unit_name: str
    issued: int
    used: int
    batch: str = ""
    issued_at: datetime.datetime | None = None

    @property
    def unused(self) -> int:
        return self.issued - self.used


def _name(row: dict) -> str:
    return row["unit__name"] or str(_("Any unit of the campaign"))


def token_stats(tokens: QuerySet[SurveyToken]) -> list[TokenCount]:
    """Issued and used per unit (one grouped query); tokens for any unit come last."""
    rows = (
        tokens.order_by()
        .values("unit_id", "unit__name")
        .annotate(issued=Count("pk"), used=Count("used_hour"))
    )
    found = [TokenCount(r["unit_id"], _name(r), r["issued"], r["used"]) for r in rows]
    return sorted(found, key=lambda c: (c.unit_id is None, c.unit_name))


def token_batches(tokens: QuerySet[SurveyToken]) -> list[TokenCount]:
    """Issued and used per batch and unit, newest batch first (one grouped query)."""
    rows = (
        tokens.order_by()
        .values("batch", "unit_id", "unit__name")
        .annotate(issued=Count("pk"), used=Count("used_hour"), at=Min("created_at"))
    )
    found = [
        TokenCount(r["unit_id"], _name(r), r["issued"], r["used"], r["batch"], r["at"])
        for r in rows
    ]
    return sorted(found, key=lambda c: (c.issued_at, c.batch), reverse=True)


# Printing ---------------------------------------------------------------------------------


def short_link(unit_code: str, token: str) -> str:
    return f"/s/{unit_code}/?t={token}"


def links_for(tokens: Sequence[SurveyToken]) -> dict[int, str]:
    """The short link of each token (by token id); tokens for any unit get none, as the
    respondent reaches the form from their own unit's poster."""
    campaign_ids = {t.campaign_id for t in tokens}
    codes = {
        (cu.campaign_id, cu.unit_id): cu.code
        for cu in CampaignUnit.objects.filter(campaign_id__in=campaign_ids)
    }
    return {
        t.pk: short_link(codes[(t.campaign_id, t.unit_id)], t.code)
        for t in tokens
        if (t.campaign_id, t.unit_id) in codes
    }


def token_sheet_csv(tokens: Iterable[SurveyToken], *, base_url: str = "") -> bytes:
    """The tokens as CSV (UTF-8 with BOM, for Excel): token, unit, link, batch."""
    listed = list(tokens)
    links = links_for(listed)
    rows = (
        [
            token.code,
            token.unit.name if token.unit_id else "",
            f"{base_url}{links[token.pk]}" if token.pk in links else "",
            token.batch,
        ]
        for token in listed
    )
    return csv_bytes([_("Token"), _("Unit"), _("Link"), _("Batch")], rows)


# The printable sheet: A4 pages of 3 x 8 slips to cut out and staple to dossier receipts.

PAGE_MARGIN = 10.0
COLUMNS, ROWS = 3, 8
SLIP_W = (210 - 2 * PAGE_MARGIN) / COLUMNS
SLIP_H = (297 - 2 * PAGE_MARGIN) / ROWS
QR_SIZE = 22.0
PAD = 2.0


def _qr_png(url: str) -> io.BytesIO:
    """The link's QR code, one pixel a module (the PDF scales it). A fixed mask: choosing
    the best of eight would take most of the time of a sheet of thousands of tokens."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m", micro=False, mask=0).save(out, kind="png", scale=1, border=0)
    out.seek(0)
    return out


def _new_pdf(title: str) -> FPDF:
    return new_a4(title, PAGE_MARGIN)


def _add_page(pdf: FPDF) -> None:
    """A new page, with the dashed grey lines the slips are cut along."""
    pdf.add_page()
    pdf.set_draw_color(150, 150, 150)
    pdf.set_dash_pattern(dash=1, gap=1)


def _lines(pdf: FPDF, text: str, width: float, *, style: str, size: float, most: int) -> list:
    """`text` wrapped to `width` in the given font, at most `most` lines (the last one cut
    with an ellipsis). Wrapped once per sheet: the same for every slip."""
    pdf.set_font(FONT, style, size)
    lines = pdf.multi_cell(width, 3, nfc(text), dry_run=True, output="LINES")
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1].rstrip()[:-2] + "…"]
    return lines


def _fit_size(pdf: FPDF, text: str, width: float, size: float, smallest: float = 4.5) -> float:
    """The largest font size from `size` down at which `text` fits on one line."""
    while size > smallest:
        pdf.set_font(FONT, "", size)
        if pdf.get_string_width(text) <= width:
            break
        size -= 0.25
    return size


@dataclass(frozen=True)
class Slip:
    token: str
    unit: str
    link: str  # the full address printed (and in the QR code); empty for any-unit tokens


@dataclass(frozen=True)
class Layout:
    """The text that is the same on every slip, wrapped once."""

    title_qr: list
    title_plain: list
    hint: list
    code_label: str
    units: dict[tuple[str, bool], list] = field(default_factory=dict)  # wrapped unit names


def _layout(pdf: FPDF, title: str) -> Layout:
    hint = _("Scan the code or open the link to tell us how we served you (once, anonymous).")
    return Layout(
        title_qr=_lines(pdf, title, SLIP_W - QR_SIZE - 3 * PAD, style="", size=6.5, most=2),
        title_plain=_lines(pdf, title, SLIP_W - 2 * PAD, style="", size=6.5, most=2),
        hint=_lines(pdf, hint, SLIP_W - 2 * PAD, style="", size=6, most=2),
        code_label=nfc(_("Your survey code")),
    )


def _write(pdf: FPDF, lines: list, x: float, y: float, width: float, height: float) -> float:
    for line in lines:
        pdf.set_xy(x, y)
        pdf.cell(width, height, line)
        y += height
    return y


def _slip(pdf: FPDF, slip: Slip, x: float, y: float, layout: Layout, *, qr: bool) -> None:
    pdf.rect(x, y, SLIP_W, SLIP_H)
    left, title = x + PAD, layout.title_plain
    if qr and slip.link:
        pdf.image(_qr_png(slip.link), x=left, y=y + PAD, w=QR_SIZE, h=QR_SIZE)
        left, title = x + QR_SIZE + 2 * PAD, layout.title_qr
    width = x + SLIP_W - PAD - left
    pdf.set_font(FONT, "", 6.5)
    below = _write(pdf, title, left, y + PAD, width, 2.8)
    pdf.set_font(FONT, "B", 7)
    key = (slip.unit, left > x + PAD)
    if key not in layout.units:
        wrapped = pdf.multi_cell(width, 3, nfc(slip.unit), dry_run=True, output="LINES")
        layout.units[key] = wrapped[:2]
    _write(pdf, layout.units[key], left, below, width, 3)
    pdf.set_font(FONT, "", 6.5)
    _write(pdf, [layout.code_label], left, y + 15, width, 3)
    pdf.set_font(FONT, "B", 12)
    _write(pdf, [slip.token.upper()], left, y + 18, width, 6)
    pdf.set_font(FONT, "", 6)
    below = _write(pdf, layout.hint, x + PAD, y + SLIP_H - 9, SLIP_W - 2 * PAD, 2.6)
    if slip.link:
        pdf.set_font(FONT, "", _fit_size(pdf, slip.link, SLIP_W - 2 * PAD, 6))
        _write(pdf, [slip.link], x + PAD, below, SLIP_W - 2 * PAD, 2.6)


def slips_for(tokens: Sequence[SurveyToken], *, base_url: str = "") -> list[Slip]:
    links = links_for(tokens)
    return [
        Slip(
            token=t.code,
            unit=t.unit.name if t.unit_id else str(_("Any unit of the campaign")),
            link=f"{base_url}{links[t.pk]}" if t.pk in links else "",
        )
        for t in tokens
    ]


def token_sheet_pdf(
    tokens: Iterable[SurveyToken], *, title: str, base_url: str = "", qr: bool = True
) -> bytes:
    """The tokens as A4 pages of 3 x 8 slips: the campaign, the unit, the code in large
    letters, the short link and (with `qr`) its QR code. `base_url` is the site's address
    ("https://host"), so the printed link and the QR code open the form from a phone."""
    slips = slips_for(list(tokens), base_url=base_url)
    pdf = _new_pdf(title)
    _add_page(pdf)
    layout = _layout(pdf, title)
    per_page = COLUMNS * ROWS
    for i, slip in enumerate(slips):
        place = i % per_page
        if place == 0 and i:
            _add_page(pdf)
        x = PAGE_MARGIN + (place % COLUMNS) * SLIP_W
        y = PAGE_MARGIN + (place // COLUMNS) * SLIP_H
        _slip(pdf, slip, x, y, layout, qr=qr)
    if not slips:
        pdf.set_font(FONT, "", 11)
        pdf.cell(0, 8, nfc(_("No token in this batch.")))
    return bytes(pdf.output())
