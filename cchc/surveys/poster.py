"""The A4 poster that stands at a unit's counter: a big QR code and the short link.

Drawn with fpdf2 in Roboto (the `font-roboto` package has the Vietnamese glyphs, set up as
for the PAR Index scorecard). The poster speaks Vietnamese and English at once, whatever
the language of the person printing it, so its instructions are fixed pairs here rather
than translated messages; the unit's and campaign's names are data.
"""

from __future__ import annotations

import io

from fpdf import FPDF

from .models import CampaignUnit
from .pdf import FONT, new_a4, nfc
from .qr import display_url, qr_png

PAGE_WIDTH = 210  # mm, A4 portrait
MARGIN = 18
QR_SIZE = 110  # mm
INK = (28, 27, 31)
RED = (179, 38, 30)
MUTED = (95, 91, 102)

HEADING = ("KHẢO SÁT SỰ HÀI LÒNG", "Satisfaction survey")
INVITATION = (
    "Ông/bà vui lòng cho biết ý kiến về việc giải quyết thủ tục hành chính tại đây.",
    "Please tell us how your administrative procedure was handled here.",
)
STEPS = (
    "Quét mã QR bằng máy ảnh điện thoại, hoặc gõ địa chỉ trên vào trình duyệt.",
    "Scan the QR code with your phone's camera, or type the address above in a browser.",
)
TOKEN = (
    "Khi được hỏi, nhập mã in trên giấy tiếp nhận hồ sơ của ông/bà.",
    "When asked, enter the code printed on your dossier receipt.",
)
ANONYMOUS = (
    "Phiếu khảo sát ẩn danh: không cần tài khoản, không ghi họ tên, địa chỉ IP hay thiết bị; "
    "thời gian gửi chỉ lưu đến giờ.",
    "The survey is anonymous: no account, no name, no IP address or device is recorded; "
    "the time of sending is kept to the hour only.",
)


def _new_pdf(title: str) -> FPDF:
    pdf = new_a4(title, MARGIN)
    pdf.add_page()
    return pdf


def _centred(pdf: FPDF, text: str, size: float, style: str = "", colour=INK) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, size * 0.45, nfc(text), align="C", new_x="LMARGIN", new_y="NEXT")


def _pair(pdf: FPDF, pair: tuple[str, str], size: float = 12) -> None:
    vietnamese, english = pair
    _centred(pdf, vietnamese, size, "B")
    _centred(pdf, english, size - 1, "I", MUTED)
    pdf.ln(2)


def _period(target: CampaignUnit) -> tuple[str, str]:
    start = target.campaign.starts_on.strftime("%d/%m/%Y")
    end = target.campaign.ends_on.strftime("%d/%m/%Y")
    return f"Từ ngày {start} đến ngày {end}", f"From {start} to {end}"


def poster_pdf(target: CampaignUnit, url: str) -> bytes:
    """The unit's A4 poster for the campaign, linking to `url` (its public form)."""
    campaign = target.campaign
    pdf = _new_pdf(f"{target.unit.name} - {campaign.name}")
    _centred(pdf, f"{HEADING[0]} / {HEADING[1].upper()}", 13, "B", RED)
    pdf.ln(3)
    _centred(pdf, target.unit.name, 24, "B")
    pdf.ln(1)
    _centred(pdf, campaign.name, 14)
    pdf.ln(3)
    _pair(pdf, INVITATION)
    top = pdf.get_y() + 2
    pdf.image(io.BytesIO(qr_png(url, scale=12)), x=(PAGE_WIDTH - QR_SIZE) / 2, y=top, w=QR_SIZE)
    pdf.set_y(top + QR_SIZE + 4)
    _centred(pdf, display_url(url), 22, "B", RED)
    pdf.ln(3)
    _pair(pdf, STEPS, 11)
    if campaign.tokens_required:
        _pair(pdf, TOKEN, 11)
    _pair(pdf, _period(target), 11)
    _centred(pdf, ANONYMOUS[0], 9)
    _centred(pdf, ANONYMOUS[1], 9, "I", MUTED)
    return bytes(pdf.output())
