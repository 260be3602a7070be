"""Documents of the PAR Index results.

- `ranking_docx`: the annex of the provincial People's Committee's decision announcing the
  results (.docx in the Decree 30/2020 layout, landscape, one table per unit group). The
  text of an official document is Vietnamese whatever the interface language, so its
  fixed phrases are not translated.
- `scorecard_pdf`: a printable A4 scorecard of one unit, drawn with fpdf2 (pure Python)
  in the Roboto font of the `font-roboto` package, which has the Vietnamese glyphs.
"""

from __future__ import annotations

import datetime
import os
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from cchc.reports.decree30 import OfficialDocument, Table

from .results import GroupRanking, Ranking, Scorecard

# --- the annex (.docx) --------------------------------------------------------------------

OFFICIAL_GROUPS = {
    "departments": "Các sở, ban, ngành",
    "districts": "Ủy ban nhân dân các huyện, thị xã, thành phố",
    "communes": "Ủy ban nhân dân các xã, phường, thị trấn",
    "provinces": "Các tỉnh, thành phố trực thuộc Trung ương",
}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
ANNEX_COLUMNS = (
    "Thứ hạng",
    "Cơ quan, đơn vị",
    "Điểm tự đánh giá",
    "Điểm thẩm định",
    "Điểm tối đa",
    "Chỉ số CCHC (%)",
    "Xếp loại",
)
ANNEX_WIDTHS = (16, 70, 22, 22, 20, 22, 24)
AREA_WIDTH = 15


def vn_number(value: Decimal | None) -> str:
    """82.5 → "82,50" (Vietnamese decimal comma); "-" when there is no figure."""
    return "-" if value is None else f"{value:.2f}".replace(".", ",")


def annex_table(group: GroupRanking) -> Table:
    """The group's ranking: the fixed columns, then the index of each area by its code."""
    columns = [*ANNEX_COLUMNS, *(f"Lĩnh vực {c.code} (%)" for c in group.columns)]
    rows = [
        [
            "" if line.rank is None else str(line.rank),
            line.unit_name,
            vn_number(line.self_total),
            vn_number(line.appraised_total),
            vn_number(line.maximum),
            vn_number(line.index),
            line.band,
            *(vn_number(cell.figure.index if cell.figure else None) for cell in cells),
        ]
        for line, cells in group.rows()
    ]
    widths = [*ANNEX_WIDTHS, *([AREA_WIDTH] * len(group.columns))]
    return Table(columns=columns, rows=rows, widths_mm=widths)


def _area_note(group: GroupRanking) -> str:
    names = "; ".join(f"{c.code}: {c.name}" for c in group.columns)
    return f"Các lĩnh vực: {names}." if names else ""


def _status_note(ranking: Ranking) -> str:
    publication = ranking.publication
    if publication is None:
        return "DỰ THẢO: kết quả tạm tính, chưa công bố."
    if publication.revision == 1:
        return ""
    day = timezone.localtime(publication.published_at).date()
    return f"Điều chỉnh lần {publication.revision - 1} (ngày {day:%d/%m/%Y}): {publication.reason}"


def annex_blocks(ranking: Ranking) -> list[str | Table]:
    blocks: list[str | Table] = [
        "(Kèm theo Quyết định số       /QĐ-UBND ngày      tháng      năm        "
        f"của Ủy ban nhân dân tỉnh {settings.PROVINCE_NAME})"
    ]
    note = _status_note(ranking)
    if note:
        blocks.append(note)
    for number, group in enumerate(ranking.groups):
        heading = OFFICIAL_GROUPS.get(group.group, group.label)
        blocks.append(f"{ROMAN[number % len(ROMAN)]}. {heading.upper()}")
        blocks.append(annex_table(group))
        area_note = _area_note(group)
        if area_note:
            blocks.append(area_note)
    return blocks


def ranking_docx(ranking: Ranking, *, issued_on: datetime.date | None = None) -> bytes:
    """The results annex of the People's Committee's decision (.docx, landscape)."""
    document = OfficialDocument(
        superior_body="",
        issuing_body=f"ỦY BAN NHÂN DÂN TỈNH {settings.PROVINCE_NAME}".upper(),
        number_symbol="",
        place=settings.PROVINCE_NAME,
        date=issued_on or timezone.localdate(),
        doc_type="PHỤ LỤC",
        subject=(f"KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {ranking.round.year}"),
        body_paragraphs=annex_blocks(ranking),
        recipients=[],
        signer_position="",
        signer_name="",
        landscape=True,
    )
    return document.to_docx()


# --- the scorecard (.pdf) -----------------------------------------------------------------

FONT = "Roboto"
MARGIN = 15
BAR_WIDTH = 90  # mm for 100 %


def font_files() -> dict[str, str]:
    """Roboto regular, bold and italic from the `font-roboto` package."""
    import font_roboto

    folder = font_roboto.font_directory
    return {
        "": os.path.join(folder, "Roboto-Regular.ttf"),
        "B": os.path.join(folder, "Roboto-Bold.ttf"),
        "I": os.path.join(folder, "Roboto-Italic.ttf"),
    }


def _t(text: object) -> str:
    """Text for the PDF: NFC (precomposed Vietnamese letters the font has glyphs for)."""
    return unicodedata.normalize("NFC", str(text))


def _n(value: Decimal | None) -> str:
    return "—" if value is None else formats.number_format(value, 2)


def _pc(value: Decimal | None) -> str:
    return "—" if value is None else f"{formats.number_format(value, 2)} %"


class ScorecardPDF(FPDF):
    """A4 portrait in Roboto, with the print date and page number at the foot."""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "I", 8)
        today = formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
        text = _("Printed on %(date)s — page %(page)s") % {"date": today, "page": self.page_no()}
        self.cell(0, 6, _t(text), align="C")


def _new_pdf(card: Scorecard) -> ScorecardPDF:
    pdf = ScorecardPDF(orientation="P", unit="mm", format="A4")
    for style, path in font_files().items():
        pdf.add_font(FONT, style, path)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_title(_t(f"{card.sheet.unit.name} — {card.sheet.round.name}"))
    pdf.set_creator("cchc")
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, text: str, size: float = 12) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.5, _t(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT, "", 9)


def _table(
    pdf: FPDF,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    align: Sequence[str],
) -> None:
    pdf.set_font(FONT, "", 9)
    pdf.set_fill_color(255, 255, 255)
    heading = FontFace(emphasis="BOLD", fill_color=(232, 234, 237))
    with pdf.table(
        col_widths=widths,
        text_align=align,
        line_height=5,
        padding=1,
        width=pdf.epw,
        headings_style=heading,
        cell_fill_mode="NONE",
    ) as table:
        row = table.row()
        for text in header:
            row.cell(_t(text))
        for values in rows:
            row = table.row()
            for text in values:
                row.cell(_t(text))


def _status_text(card: Scorecard) -> str:
    if card.publication is None:
        return _("Provisional — not published") + f" ({card.sheet.get_status_display()})"
    day = formats.date_format(
        timezone.localtime(card.publication.published_at), "SHORT_DATE_FORMAT"
    )
    text = _("Published: revision %(n)s of %(date)s") % {
        "n": card.publication.revision,
        "date": day,
    }
    if card.publication.reason:
        text += f": {card.publication.reason}"
    return text


def _facts(pdf: FPDF, card: Scorecard) -> None:
    line = card.line
    facts = [
        (_("Appraised score"), f"{_n(line.appraised_total)} / {_n(line.maximum)}"),
        (_("Index"), _pc(line.index)),
        (_("Band"), line.band or "—"),
        (_("Self score"), _n(line.self_total)),
    ]
    if card.is_published and line.rank is not None and card.distribution:
        facts.append(
            (
                _("Rank"),
                _("%(rank)s of %(n)s") % {"rank": line.rank, "n": len(card.distribution.lines)},
            )
        )
    _table(pdf, (_("Figure"), _("Value")), facts, (50, 130), ("LEFT", "LEFT"))


def _area_section(pdf: FPDF, card: Scorecard) -> None:
    _heading(pdf, _("By area"))
    rows = [
        (f"{a.code}. {a.name}", _n(a.points), _n(a.maximum), _pc(a.index), _n(a.lost))
        for a in card.areas
    ]
    header = (_("Area"), _("Points"), _("Maximum"), _("Index"), _("Points lost"))
    _table(pdf, header, rows, (84, 22, 22, 24, 28), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"))
    _bars(pdf, card)


def _bars(pdf: FPDF, card: Scorecard) -> None:
    """Index by area as horizontal bars (a figure after each bar: no colour-only meaning)."""
    if not card.areas:
        return
    pdf.ln(3)
    pdf.set_font(FONT, "", 8)
    label_width = pdf.epw - BAR_WIDTH - 22
    for area in card.areas:
        if pdf.will_page_break(7):
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_xy(x, y)
        pdf.cell(label_width, 5, _t(_short(f"{area.code}. {area.name}", 60)))
        left = x + label_width + 2
        pdf.set_fill_color(232, 234, 237)
        pdf.rect(left, y + 0.5, BAR_WIDTH, 4, style="F")
        pdf.set_fill_color(11, 87, 208)
        width = float(area.index or 0) / 100 * BAR_WIDTH
        if width > 0:
            pdf.rect(left, y + 0.5, width, 4, style="F")
        pdf.set_xy(left + BAR_WIDTH + 2, y)
        pdf.cell(18, 5, _t(_pc(area.index)))
        pdf.ln(6)
    pdf.set_fill_color(255, 255, 255)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lost_section(pdf: FPDF, card: Scorecard) -> None:
    if not card.lost:
        return
    _heading(pdf, _("Sub-criteria that lost the most points"))
    rows = [
        (
            f"{i.code}. {i.name}",
            _n(i.maximum),
            _n(i.points),
            _n(i.lost),
            " / ".join(i.comments) or "—",
        )
        for i in card.lost
    ]
    header = (_("Sub-criterion"), _("Maximum"), _("Points"), _("Lost"), _("Appraisers' comments"))
    _table(pdf, header, rows, (64, 19, 16, 15, 66), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"))


def _last_year_section(pdf: FPDF, card: Scorecard) -> None:
    if not card.last_year:
        return
    _heading(pdf, _("Compared with last year (%(year)s)") % {"year": card.sheet.round.year - 1})
    rows = [
        (
            f"{c.code}. {c.name}" if c.code else _("Total"),
            _pc(c.last_index),
            _pc(c.index),
            _n(c.change),
        )
        for c in card.last_year
    ]
    header = (_("Area"), _("Last year"), _("This year"), _("Change"))
    _table(pdf, header, rows, (96, 28, 28, 28), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))


def scorecard_pdf(card: Scorecard) -> bytes:
    """The scorecard as a printable A4 PDF (one or two pages)."""
    pdf = _new_pdf(card)
    sheet = card.sheet
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 8, _t(_("PAR Index scorecard")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 7, _t(sheet.unit.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    subtitle = f"{sheet.round.name} — {card.group_label}"
    pdf.multi_cell(0, 5, _t(subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "I", 9)
    pdf.multi_cell(0, 5, _t(_status_text(card)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _facts(pdf, card)
    _area_section(pdf, card)
    _lost_section(pdf, card)
    _last_year_section(pdf, card)
    return bytes(pdf.output())
