"""Official documents in the layout of Decree 30/2020/NĐ-CP on clerical work, as real .docx.

Every size, margin and font is in `LAYOUT`, so a correction against the decree's
Appendix I is made in one place. The document uses named paragraph styles ("Decree30
Body", …) rather than direct formatting or text boxes, because officials edit the file
before it is signed.

    OfficialDocument(superior_body="UBND TỈNH AN GIANG", issuing_body="SỞ NỘI VỤ",
                     number_symbol="12/SNV-CCHC", place="An Giang", date=date(2022, 10, 18),
                     doc_type="", subject="V/v đôn đốc thực hiện nhiệm vụ CCHC",
                     body_paragraphs=["…", Table(...)], recipients=["…", "Lưu: VT, CCHC."],
                     signer_position="GIÁM ĐỐC", signer_name="…").to_docx()
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph


@dataclass(frozen=True)
class Layout:
    """Decree 30/2020/NĐ-CP, Appendix I (layout of administrative documents).

    Sizes as commonly cited from the appendix; check against the appendix before relying
    on them. Ranges in the decree are noted; the value chosen is the one most templates use.
    """

    # Paper: A4 (210 x 297 mm), portrait; an annex with a wide table may be landscape.
    page_width_mm: float = 210
    page_height_mm: float = 297
    # Margins: top 20-25 mm, bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
    margin_top_mm: float = 20
    margin_bottom_mm: float = 20
    margin_left_mm: float = 30
    margin_right_mm: float = 15
    # Font: Times New Roman (Unicode, TCVN 6909:2001), black.
    font_name: str = "Times New Roman"
    # Superior body: capitals, 12-13 pt, regular.
    superior_body_pt: float = 12
    # Issuing body: capitals, 12-13 pt, bold, with a short rule under it (1/3-1/2 of the line).
    issuing_body_pt: float = 12
    issuing_rule_mm: float = 20
    # "Số: …/…": 13 pt.
    number_pt: float = 13
    # National title: capitals, 12-13 pt, bold.
    national_title_pt: float = 12
    # Motto: 13-14 pt, bold, first letters of its parts capitalised, a rule as long as the line.
    motto_pt: float = 13
    motto_rule_mm: float = 62
    # Place and date: 13-14 pt, italic.
    date_pt: float = 14
    # Document type: capitals, 13-14 pt, bold; subject (trích yếu): 13-14 pt, bold.
    doc_type_pt: float = 14
    subject_pt: float = 14
    # A công văn has no document type: its subject ("V/v …") stands under the number in the
    # left column, 12-13 pt, regular.
    excerpt_pt: float = 12
    # Body: 13-14 pt, justified; first-line indent 1-1.27 cm; ≥ 6 pt between paragraphs;
    # line spacing from single to 1.5 lines.
    body_pt: float = 14
    body_first_line_mm: float = 12.7
    body_space_after_pt: float = 6
    body_line_spacing: float = 1.15
    # Tables inside the body (not prescribed by the decree): 12 pt.
    table_pt: float = 12
    # "Nơi nhận:": 12 pt, bold italic; the recipients list: 11 pt, regular.
    recipients_heading_pt: float = 12
    recipients_pt: float = 11
    # Signer's position (capitals) and name: 13-14 pt, bold; room for the signature between.
    signer_pt: float = 14
    signature_space_pt: float = 72
    # Page number: 13-14 pt, centred in the top margin, from the second page.
    page_number_pt: float = 13
    # Header and signature blocks: share of the text width taken by the left column.
    left_column_share: float = 0.42


LAYOUT = Layout()

_PBDR_SUCCESSORS = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:jc",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_TBLHEADER_SUCCESSORS = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")


@dataclass(frozen=True)
class GroupRow:
    """A heading row inside a table, merged across all columns and bold (e.g. an area)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A bordered table in the body, its header row repeated on every page."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str] | GroupRow]
    widths_mm: Sequence[float] = ()


Block = str | Table


@dataclass(frozen=True)
class OfficialDocument:
    superior_body: str
    issuing_body: str
    number_symbol: str
    place: str
    date: datetime.date
    doc_type: str
    subject: str
    body_paragraphs: Sequence[Block]
    recipients: Sequence[str]
    signer_position: str
    signer_name: str
    landscape: bool = False
    layout: Layout = field(default=LAYOUT)

    def to_docx(self) -> bytes:
        """Return the document as the bytes of a .docx file."""
        document = Document()
        _setup_page(document, self.layout, landscape=self.landscape)
        _add_styles(document, self.layout, text_width_mm=_text_width(self.layout, self.landscape))
        _add_header_block(document, self)
        _add_title(document, self)
        for block in self.body_paragraphs:
            if isinstance(block, Table):
                _add_table(document, block, text_width_mm=_text_width(self.layout, self.landscape))
            else:
                document.add_paragraph(block, style="Decree30 Body")
        if self.recipients or self.signer_name:
            _add_signature_block(document, self)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


# Dates ---------------------------------------------------------------------------------


def vietnamese_date(day: datetime.date) -> str:
    """Return "ngày 05 tháng 11 năm 2024".

    Decree 30, Appendix I: days below 10 and the months 1 and 2 take a leading zero
    ("ngày 05 tháng 01", "tháng 02"); the other months do not ("tháng 3").
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_and_date(place: str, day: datetime.date) -> str:
    """Return "An Giang, ngày 05 tháng 11 năm 2024"."""
    return f"{place}, {vietnamese_date(day)}"


# Page and styles -----------------------------------------------------------------------


def _text_width(layout: Layout, landscape: bool) -> float:
    width = layout.page_height_mm if landscape else layout.page_width_mm
    return width - layout.margin_left_mm - layout.margin_right_mm


def _setup_page(document: DocxDocument, layout: Layout, *, landscape: bool) -> None:
    section = document.sections[0]
    width, height = layout.page_width_mm, layout.page_height_mm
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.top_margin = Mm(layout.margin_top_mm)
    section.bottom_margin = Mm(layout.margin_bottom_mm)
    section.left_margin = Mm(layout.margin_left_mm)
    section.right_margin = Mm(layout.margin_right_mm)
    section.different_first_page_header_footer = True
    _add_page_number(section.header.paragraphs[0], layout)


def _add_page_number(paragraph: Paragraph, layout: Layout) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(layout.page_number_pt)
    field_ = OxmlElement("w:fldSimple")
    field_.set(qn("w:instr"), "PAGE")
    run._r.append(field_)


def _add_styles(document: DocxDocument, layout: Layout, *, text_width_mm: float) -> None:
    normal = document.styles["Normal"]
    normal.font.name = layout.font_name
    normal.font.size = Pt(layout.body_pt)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), layout.font_name)
    normal.paragraph_format.space_after = Pt(0)
    left = text_width_mm * layout.left_column_share
    right = text_width_mm - left
    center = WD_ALIGN_PARAGRAPH.CENTER
    _style(document, "Decree30 Superior", layout.superior_body_pt, align=center, caps=True)
    _style(document, "Decree30 Issuer", layout.issuing_body_pt, align=center, bold=True, caps=True)
    # The rules under the issuing body and the motto are empty paragraphs of their own, so
    # the short border's indents never narrow (and wrap) the text above them.
    issuer_rule = _style(document, "Decree30 Issuer Rule", 2)
    _rule_under(issuer_rule, (left - layout.issuing_rule_mm) / 2)
    _style(document, "Decree30 Number", layout.number_pt, align=center, space_before=6)
    _style(document, "Decree30 National", layout.national_title_pt, align=center, bold=True)
    _style(document, "Decree30 Motto", layout.motto_pt, align=center, bold=True)
    motto_rule = _style(document, "Decree30 Motto Rule", 2)
    _rule_under(motto_rule, max((right - layout.motto_rule_mm) / 2, 0))
    _style(document, "Decree30 Date", layout.date_pt, align=center, italic=True, space_before=6)
    _style(document, "Decree30 Type", layout.doc_type_pt, align=center, bold=True, space_before=18)
    _style(document, "Decree30 Subject", layout.subject_pt, align=center, bold=True, space_after=12)
    _style(document, "Decree30 Excerpt", layout.excerpt_pt, align=center, space_before=3)
    _body_style(document, layout)
    _style(document, "Decree30 Table Text", layout.table_pt)
    _style(document, "Decree30 Table Head", layout.table_pt, align=center, bold=True)
    heading_pt = layout.recipients_heading_pt
    _style(document, "Decree30 Recipients Heading", heading_pt, bold=True, italic=True)
    _style(document, "Decree30 Recipients", layout.recipients_pt)
    _style(document, "Decree30 Signer", layout.signer_pt, align=center, bold=True, space_before=12)
    name = _style(document, "Decree30 Signer Name", layout.signer_pt, align=center, bold=True)
    name.paragraph_format.space_before = Pt(layout.signature_space_pt)


def _style(
    document: DocxDocument,
    name: str,
    size_pt: float,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    bold: bool = False,
    italic: bool = False,
    caps: bool = False,
    space_before: float = 0,
    space_after: float = 0,
) -> ParagraphStyle:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(size_pt)
    style.font.bold = bold
    style.font.italic = italic
    style.font.all_caps = caps
    style.paragraph_format.alignment = align
    style.paragraph_format.space_before = Pt(space_before)
    style.paragraph_format.space_after = Pt(space_after)
    return style


def _body_style(document: DocxDocument, layout: Layout) -> None:
    body = _style(document, "Decree30 Body", layout.body_pt, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    body.paragraph_format.first_line_indent = Mm(layout.body_first_line_mm)
    body.paragraph_format.space_after = Pt(layout.body_space_after_pt)
    body.paragraph_format.line_spacing = layout.body_line_spacing


def _rule_under(style: ParagraphStyle, indent_mm: float) -> None:
    """A short solid rule under the paragraph: a bottom border between equal indents."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    style.element.get_or_add_pPr().insert_element_before(borders, *_PBDR_SUCCESSORS)
    style.paragraph_format.left_indent = Mm(indent_mm)
    style.paragraph_format.right_indent = Mm(indent_mm)


# Blocks --------------------------------------------------------------------------------


def _two_columns(document: DocxDocument, doc: OfficialDocument) -> tuple[_Cell, _Cell]:
    """A borderless two-column table spanning the text width (header and signature)."""
    width = _text_width(doc.layout, doc.landscape)
    left = width * doc.layout.left_column_share
    table = document.add_table(rows=1, cols=2)
    table.style = document.styles["Normal Table"]
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, (left, width - left), width)
    cells = table.rows[0].cells
    return cells[0], cells[1]


def _write(cell: _Cell, lines: Sequence[tuple[str, str]]) -> None:
    """Fill a cell with (style, text) paragraphs, reusing its first empty paragraph."""
    first, *rest = lines
    paragraph = cell.paragraphs[0]
    paragraph.style = first[0]
    paragraph.text = first[1]
    for style, text in rest:
        cell.add_paragraph(text, style=style)


def _add_header_block(document: DocxDocument, doc: OfficialDocument) -> None:
    left, right = _two_columns(document, doc)
    lines = [("Decree30 Superior", doc.superior_body)] if doc.superior_body else []
    lines.append(("Decree30 Issuer", doc.issuing_body))
    lines.append(("Decree30 Issuer Rule", ""))
    if doc.number_symbol:
        lines.append(("Decree30 Number", f"Số: {doc.number_symbol}"))
    if doc.subject and not doc.doc_type:
        lines.append(("Decree30 Excerpt", doc.subject))
    _write(left, lines)
    _write(
        right,
        [
            ("Decree30 National", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("Decree30 Motto", "Độc lập - Tự do - Hạnh phúc"),
            ("Decree30 Motto Rule", ""),
            ("Decree30 Date", place_and_date(doc.place, doc.date)),
        ],
    )


def _add_title(document: DocxDocument, doc: OfficialDocument) -> None:
    """The type and subject of a typed document; a công văn's subject is in the header."""
    if doc.doc_type:
        document.add_paragraph(doc.doc_type.upper(), style="Decree30 Type")
        if doc.subject:
            document.add_paragraph(doc.subject, style="Decree30 Subject")


def _add_table(document: DocxDocument, block: Table, *, text_width_mm: float) -> None:
    proportions = block.widths_mm or [1.0] * len(block.columns)
    table = document.add_table(rows=1, cols=len(block.columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = _set_widths(table, proportions, text_width_mm)
    _repeat_as_header(table)
    for cell, title in zip(table.rows[0].cells, block.columns, strict=True):
        _write(cell, [("Decree30 Table Head", title)])
    for row in block.rows:
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        if isinstance(row, GroupRow):
            merged = cells[0].merge(cells[-1])
            _write(merged, [("Decree30 Table Text", row.text)])
            merged.paragraphs[0].runs[0].font.bold = True
            continue
        for cell, text in zip(cells, row, strict=True):
            _write(cell, [("Decree30 Table Text", text)])
    document.add_paragraph("", style="Decree30 Body")


def _repeat_as_header(table: DocxTable) -> None:
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    row_properties.insert_element_before(OxmlElement("w:tblHeader"), *_TBLHEADER_SUCCESSORS)


def _set_widths(
    table: DocxTable, proportions: Sequence[float], text_width_mm: float
) -> list[Length]:
    """Fit the columns to the text width in the given proportions (grid and first row)."""
    scale = text_width_mm / sum(proportions)
    widths = [Mm(p * scale) for p in proportions]
    table.autofit = False
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = width
        cell.width = width
    return widths


def recipient_lines(recipients: Sequence[str]) -> list[str]:
    """ "- A;" for each recipient and "- Z." for the last one, as the recipients list is written."""
    lines = []
    for index, recipient in enumerate(recipients):
        text = recipient.strip().rstrip(";.")
        end = "." if index == len(recipients) - 1 else ";"
        lines.append(f"- {text}{end}")
    return lines


def _add_signature_block(document: DocxDocument, doc: OfficialDocument) -> None:
    left, right = _two_columns(document, doc)
    lines = [("Decree30 Recipients Heading", "Nơi nhận:")]
    lines += [("Decree30 Recipients", line) for line in recipient_lines(doc.recipients)]
    _write(left, lines)
    _write(
        right,
        [
            ("Decree30 Signer", doc.signer_position.upper()),
            ("Decree30 Signer Name", doc.signer_name),
        ],
    )
