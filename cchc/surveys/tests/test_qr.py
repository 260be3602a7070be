"""QR codes (PNG, SVG) and the A4 poster of a unit's public form: for the unit's staff."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.urls import reverse

from ..poster import poster_pdf
from ..qr import display_url, qr_png, qr_svg, short_url

pytestmark = pytest.mark.django_db

STAFF_VIEWS = ("qr_png", "qr_svg", "poster")


def url(name: str, target) -> str:
    return reverse(f"survey_form:{name}", args=[target.code])


def pdf_text(content: bytes) -> str | None:
    """The PDF's text by pdftotext (poppler-utils, installed in CI), None without it."""
    if shutil.which("pdftotext") is None:
        return None
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return done.stdout.decode()


def test_the_short_link_is_on_the_public_site_address(settings, target):
    settings.SITE_URL = "https://cchc.angiang.gov.vn/"
    assert short_url(target) == f"https://cchc.angiang.gov.vn/s/{target.code}/"
    assert display_url(short_url(target)) == f"cchc.angiang.gov.vn/s/{target.code}/"


def test_the_png_qr_code_of_the_short_link(client, settings, focal_point, target):
    settings.SITE_URL = "https://cchc.angiang.gov.vn"
    client.force_login(focal_point)
    got = client.get(url("qr_png", target))
    assert got.status_code == 200
    assert got["Content-Type"] == "image/png"
    assert got.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert got.content == qr_png(f"https://cchc.angiang.gov.vn/s/{target.code}/")
    assert got.content != qr_png("https://cchc.angiang.gov.vn/s/other/")


def test_the_svg_qr_code_is_one_path_with_a_title(client, home_affairs_officer, target):
    client.force_login(home_affairs_officer)
    got = client.get(url("qr_svg", target))
    assert got.status_code == 200
    assert got["Content-Type"] == "image/svg+xml"
    svg = got.content.decode()
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "viewBox=" in svg
    assert "<path" in svg
    assert ' d="M4 4.5h7' in svg  # a finder pattern's first row, 4 modules in (the border)
    assert "<title>Sở Tư pháp tỉnh An Giang - Khảo sát sipas-2026</title>" in svg
    title = "Sở Tư pháp tỉnh An Giang - Khảo sát sipas-2026"
    assert got.content == qr_svg(short_url(target), title=title)


def test_the_poster_is_an_a4_pdf_with_the_link_and_both_languages(
    client, settings, unit_leader, target
):
    settings.SITE_URL = "https://cchc.angiang.gov.vn"
    client.force_login(unit_leader)
    got = client.get(url("poster", target))
    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith("attachment;")
    assert got.content.startswith(b"%PDF")
    text = pdf_text(got.content)
    if text is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    flat = " ".join(text.split())
    for expected in (
        "Sở Tư pháp tỉnh An Giang",
        "Khảo sát sipas-2026",
        f"cchc.angiang.gov.vn/s/{target.code}/",
        "Từ ngày 01/10/2026 đến ngày 31/12/2026",
        "From 01/10/2026 to 31/12/2026",
        "Quét mã QR",
        "Scan the QR code",
        "Phiếu khảo sát ẩn danh",
        "The survey is anonymous",
    ):
        assert expected in flat
    assert "dossier receipt" not in flat  # no token asked in this campaign


def test_the_poster_asks_for_the_receipt_code_when_tokens_are_required(target):
    target.campaign.tokens_required = True
    text = pdf_text(poster_pdf(target, short_url(target)))
    if text is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    flat = " ".join(text.split())
    assert "nhập mã in trên giấy tiếp nhận hồ sơ" in flat
    assert "enter the code printed on your dossier receipt" in flat


@pytest.mark.parametrize("name", STAFF_VIEWS)
@pytest.mark.parametrize("person", ["admin_user", "appraiser", "leader", "council_member"])
def test_province_wide_roles_reach_every_unit(client, request, target, name, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(url(name, target)).status_code == 200


@pytest.mark.parametrize("name", STAFF_VIEWS)
def test_a_focal_point_of_another_unit_gets_a_404(client, outsider, campaign, target, name):
    client.force_login(outsider)
    assert client.get(url(name, target)).status_code == 404
    their_own = campaign.surveyed_units.get(unit__code="SYT")
    assert client.get(url(name, their_own)).status_code == 200


@pytest.mark.parametrize("name", STAFF_VIEWS)
def test_someone_without_a_role_gets_a_404(client, no_role_user, target, name):
    client.force_login(no_role_user)
    assert client.get(url(name, target)).status_code == 404


@pytest.mark.parametrize("name", STAFF_VIEWS)
def test_an_anonymous_visitor_is_sent_to_log_in(client, target, name):
    got = client.get(url(name, target))
    assert got.status_code == 302
    assert got["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", STAFF_VIEWS)
def test_an_unknown_code_is_not_found(client, home_affairs_officer, name):
    client.force_login(home_affairs_officer)
    assert client.get(reverse(f"survey_form:{name}", args=["nosuchcode"])).status_code == 404
