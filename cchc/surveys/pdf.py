"""What the surveys' printed sheets share (the counter poster, the token slips): an A4 page
in Roboto (the `font-roboto` package has the Vietnamese glyphs, set up as for the PAR Index
scorecard) and text in NFC, the precomposed letters the font has glyphs for."""

from __future__ import annotations

import unicodedata

from fpdf import FPDF

FONT = "Roboto"


def nfc(text: object) -> str:
    return unicodedata.normalize("NFC", str(text))


def new_a4(title: str, margin: float) -> FPDF:
    """A portrait A4 document with the font loaded, no automatic page breaks, no page yet."""
    from cchc.scoring.documents import font_files

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    for style, path in font_files().items():
        pdf.add_font(FONT, style, path)
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(nfc(title))
    pdf.set_creator("cchc")
    return pdf
