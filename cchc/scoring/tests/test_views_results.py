"""Results pages: the ranking, the scorecard, the exports and the correction of a published
score — who sees what before and after publication."""

from __future__ import annotations

import io
import re
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats

from cchc.core.models import AuditEvent
from cchc.scoring.models import Publication, PublishedResult, Score
from cchc.scoring.services import appraisal
from cchc.scoring.services import publication as publishing
from cchc.units.tests.factories import make_unit

from .test_results import FULL, at, build_round, published_round, scored

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """The ranking keeps published tables in the cache, and tests reuse primary keys and
    frozen times: each test starts (and leaves) with an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(unit_a, unit_b, district, home_affairs_officer, council_member):
    return published_round(
        unit_a, unit_b, district, secretariat=home_affairs_officer, council=council_member
    )


@pytest.fixture
def compiled(unit_a, unit_b, home_affairs_officer, council_member):
    """Compiled, not published: unit_a 85 %, unit_b 100 %."""
    return build_round(
        {unit_a: scored("5", "4", "8"), unit_b: FULL},
        secretariat=home_affairs_officer,
        council=council_member,
        until="compiled",
    )


@pytest.fixture
def single(unit_a, home_affairs_officer, council_member):
    """A published round with unit_a alone (85 %: 9 of 10 in area I, 8 of 10 in area II)."""
    return build_round(
        {unit_a: scored("5", "4", "8")}, secretariat=home_affairs_officer, council=council_member
    )


def _score(round_, unit, code: str) -> Score:
    return Score.objects.get(sheet__round=round_, sheet__unit=unit, criterion__code=code)


# --- the ranking --------------------------------------------------------------------------


EVERY_ROLE = (
    "admin_user",
    "home_affairs_officer",
    "focal_point",
    "unit_leader",
    "appraiser",
    "council_member",
    "leader",
    "outsider",
)


def test_every_role_sees_the_published_ranking(request, client, published, english):
    url = reverse("scoring:ranking", args=[published.pk])
    for who in EVERY_ROLE:
        client.force_login(request.getfixturevalue(who))
        response = client.get(url)
        assert response.status_code == 200, who
        html = response.content.decode()
        assert "Sở Xây dựng tỉnh An Giang" in html
        assert "Published on" in html
        assert "Provisional" not in html


def test_no_role_gets_404_on_a_published_ranking(client, single, no_role_user):
    client.force_login(no_role_user)
    assert client.get(reverse("scoring:ranking", args=[single.pk])).status_code == 404


def test_ranking_table_shows_ranks_indices_bands_and_areas(client, published, leader, english):
    client.force_login(leader)
    response = client.get(reverse("scoring:ranking", args=[published.pk]))
    departments, _districts = response.context["board"].groups
    assert [(x.rank, x.index, x.band) for x in departments.lines] == [
        (1, D("85.00"), "Tốt"),
        (1, D("85.00"), "Tốt"),
        (3, D("60.00"), "Trung bình"),
    ]
    html = response.content.decode()
    assert '<abbr title="Công tác chỉ đạo">I</abbr> (%)' in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    response = client.get(reverse("scoring:ranking", args=[published.pk]), {"show": "points"})
    assert '<abbr title="Công tác chỉ đạo">I</abbr> (points)' in response.content.decode()


def test_ranking_htmx_returns_the_groups_partial(client, single, leader):
    client.force_login(leader)
    response = client.get(
        reverse("scoring:ranking", args=[single.pk]), {"show": "points"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="ranking-groups">')


def test_before_publication_the_ranking_is_not_found(request, client, compiled):
    for who in ("focal_point", "outsider", "leader", "appraiser", "no_role_user"):
        client.force_login(request.getfixturevalue(who))
        for name in ("scoring:ranking", "scoring:ranking_xlsx", "scoring:ranking_docx"):
            assert client.get(reverse(name, args=[compiled.pk])).status_code == 404, (who, name)


def test_managers_and_council_see_the_provisional_ranking(request, client, compiled, english):
    for who in ("home_affairs_officer", "council_member"):
        client.force_login(request.getfixturevalue(who))
        response = client.get(reverse("scoring:ranking", args=[compiled.pk]))
        assert response.status_code == 200
        assert response.context["board"].is_provisional
        assert "Provisional — not published" in response.content.decode()
        xlsx = client.get(reverse("scoring:ranking_xlsx", args=[compiled.pk]))
        assert "tam-tinh" in xlsx["Content-Disposition"]


def test_council_does_not_see_an_open_round(client, unit_a, home_affairs_officer, council_member):
    r = build_round(
        {unit_a: FULL}, secretariat=home_affairs_officer, council=council_member, until="submitted"
    )
    client.force_login(council_member)
    assert client.get(reverse("scoring:ranking", args=[r.pk])).status_code == 404
    client.force_login(home_affairs_officer)
    assert client.get(reverse("scoring:ranking", args=[r.pk])).status_code == 200


def test_unknown_revision_is_not_found(client, single, leader):
    client.force_login(leader)
    url = reverse("scoring:ranking", args=[single.pk])
    assert client.get(url, {"revision": "2"}).status_code == 404
    assert client.get(url, {"revision": "x"}).status_code == 404
    assert client.get(url, {"revision": "1"}).status_code == 200


def test_anonymous_is_sent_to_log_in(client, single):
    response = client.get(reverse("scoring:ranking", args=[single.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


# --- the ranking's cached tables ---------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _page(client, url, params=None, **headers) -> str:
    """The page without its CSRF token (masked differently on every response)."""
    response = client.get(url, params or {}, **headers)
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())


def _reads_lines(client, url, params=None) -> bool:
    """Whether showing the page read the published lines from the database."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    table = PublishedResult._meta.db_table
    return any(table in q["sql"] for q in queries.captured_queries)


def _index(value: str) -> str:
    """An index cell as the table shows it in the active language."""
    return f"<strong>{formats.number_format(D(value))}</strong>"


def test_cached_ranking_is_the_page_rendered_without_the_cache(client, published, leader, english):
    client.force_login(leader)
    url = reverse("scoring:ranking", args=[published.pk])
    for show in ("index", "points"):
        cache.clear()
        assert _reads_lines(client, url, {"show": show})  # rendered, then kept
        assert not _reads_lines(client, url, {"show": show})  # served from the cache
        cached = _page(client, url, {"show": show})
        partial = _page(client, url, {"show": show}, HTTP_HX_REQUEST="true")
        assert partial.lstrip().startswith('<div id="ranking-groups">')
        assert partial in cached
        cache.clear()
        assert _page(client, url, {"show": show}) == cached
        cache.clear()
        assert _page(client, url, {"show": show}, HTTP_HX_REQUEST="true") == partial
    html = _page(client, url)
    for sheet in published.sheets.all():
        assert f'<a href="{reverse("scoring:scorecard", args=[sheet.pk])}">' in html
    assert '<caption class="visually-hidden">Departments and agencies</caption>' in html
    assert '<th scope="row"><a href=' in html
    assert '<td class="num"><strong>' + formats.number_format(D("85.00")) in html


def test_a_new_revision_is_shown_with_its_own_figures(
    client, single, unit_a, home_affairs_officer, english
):
    client.force_login(home_affairs_officer)
    url = reverse("scoring:ranking", args=[single.pk])
    assert _index("85.00") in _page(client, url)  # revision 1, now cached
    score = Score.objects.get(sheet__round=single, sheet__unit=unit_a, criterion__code="II.1")
    publishing.correct_published_score(
        score, points=D(10), reason="Bổ sung tài liệu kiểm chứng", by=home_affairs_officer
    )
    html = _page(client, url)
    assert _index("95.00") in html
    assert _index("85.00") not in html
    assert "Revision 2 of" in html
    earlier = _page(client, url, {"revision": "1"})
    assert _index("85.00") in earlier
    assert "Not the current revision" in earlier


@pytest.fixture
def django_formats():
    """Django's own number formats: "85,00" in Vietnamese, "85.00" in English (cchc's
    write a decimal comma in both languages). Django does not forget the format modules
    it found when FORMAT_MODULE_PATH changes, hence the resets."""
    with override_settings(FORMAT_MODULE_PATH=None):
        formats.reset_format_cache()
        yield
    formats.reset_format_cache()


def test_each_language_has_its_own_cached_table(client, single, leader, django_formats):
    client.force_login(leader)
    url = reverse("scoring:ranking", args=[single.pk])
    assert "<strong>85,00</strong>" in _page(client, url)
    client.cookies["cchc_language"] = "en"
    english = _page(client, url)
    assert "<strong>85.00</strong>" in english
    assert "85,00" not in english
    assert not _reads_lines(client, url)  # the English table is cached too
    client.cookies["cchc_language"] = "vi"
    assert "<strong>85,00</strong>" in _page(client, url)


def test_the_cached_table_is_served_only_after_the_access_checks(
    client, single, leader, no_role_user
):
    url = reverse("scoring:ranking", args=[single.pk])
    client.force_login(leader)
    _page(client, url)
    _page(client, url, HTTP_HX_REQUEST="true")
    assert client.get(url, {"revision": "2"}).status_code == 404
    client.force_login(no_role_user)
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    client.logout()
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 302


def test_provisional_ranking_is_never_cached(
    client, unit_a, home_affairs_officer, council_member, english
):
    r = build_round(
        {unit_a: FULL}, secretariat=home_affairs_officer, council=council_member, until="submitted"
    )
    client.force_login(home_affairs_officer)
    url = reverse("scoring:ranking", args=[r.pk])
    assert _index("100.00") in _page(client, url)
    score = Score.objects.get(sheet__round=r, sheet__unit=unit_a, criterion__code="II.1")
    with at(2026, 12):
        appraisal.appraise(score, round_no=1, points=D(8), by=home_affairs_officer)
    html = _page(client, url)
    assert "Provisional — not published" in html
    assert _index("90.00") in html
    assert _index("100.00") not in html


# --- the scorecard ------------------------------------------------------------------------


def test_before_publication_another_units_focal_point_gets_404(client, compiled, unit_a, outsider):
    sheet = compiled.sheets.get(unit=unit_a)
    client.force_login(outsider)
    assert client.get(reverse("scoring:scorecard", args=[sheet.pk])).status_code == 404
    assert client.get(reverse("scoring:scorecard_pdf", args=[sheet.pk])).status_code == 404


def test_focal_point_sees_own_scorecard_before_publication(
    client, compiled, unit_a, focal_point, english
):
    sheet = compiled.sheets.get(unit=unit_a)
    client.force_login(focal_point)
    response = client.get(reverse("scoring:scorecard", args=[sheet.pk]))
    assert response.status_code == 200
    card = response.context["card"]
    assert (card.line.index, card.line.rank, card.distribution) == (D("85.00"), None, None)
    html = response.content.decode()
    assert "Provisional — not published" in html
    assert "Sở Y tế" not in html  # no other unit's figures before publication
    assert "distribution" not in response.context["charts"]


def test_published_scorecard_shows_rank_areas_lost_points_and_charts(
    client, published, unit_a, outsider, english
):
    sheet = published.sheets.get(unit=unit_a)
    client.force_login(outsider)
    response = client.get(reverse("scoring:scorecard", args=[sheet.pk]))
    assert response.status_code == 200
    card = response.context["card"]
    assert (card.line.rank, card.line.band) == (1, "Tốt")
    assert [i.code for i in card.lost] == ["II.1", "I.1"]
    html = response.content.decode()
    assert "1 of 3" in html
    assert "Thiếu tài liệu kiểm chứng (II.1)" in html
    assert set(response.context["charts"]) == {"areas", "distribution"}
    assert "Correct a published score" not in html


def test_scorecard_pdf_is_a_pdf(client, single, unit_a, focal_point):
    sheet = single.sheets.get(unit=unit_a)
    client.force_login(focal_point)
    response = client.get(reverse("scoring:scorecard_pdf", args=[sheet.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- exports ------------------------------------------------------------------------------


def test_ranking_xlsx_has_a_sheet_per_group_with_numbers(client, published, leader, english):
    client.force_login(leader)
    response = client.get(reverse("scoring:ranking_xlsx", args=[published.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Departments and agencies", "District-level People's Comm"]
    sheet = book["Departments and agencies"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("PAR Index 2026 — Chỉ số CCHC năm 2026 (revision 1 of ")
    assert rows[1] == (
        "Rank",
        "Unit",
        "Self score",
        "Appraised score",
        "Maximum",
        "Index (%)",
        "Band",
        "I. Công tác chỉ đạo (%)",
        "II. Cải cách thủ tục hành chính (%)",
    )
    assert rows[2] == (1, "Sở Tư pháp tỉnh An Giang", 20, 17, 20, 85, "Tốt", 90, 80)
    assert rows[4][:2] == (3, "Sở Xây dựng tỉnh An Giang")
    assert sheet.cell(row=3, column=6).number_format == "0.00"


def test_ranking_xlsx_escapes_formulas_in_unit_names(
    client, province, home_affairs_officer, council_member
):
    evil = make_unit('=HYPERLINK("http://x")', parent=province, code="EVIL")
    r = build_round(
        {evil: scored("5", "4", "8")}, secretariat=home_affairs_officer, council=council_member
    )
    client.force_login(home_affairs_officer)
    response = client.get(reverse("scoring:ranking_xlsx", args=[r.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=3, column=2).value == '\'=HYPERLINK("http://x")'
    assert sheet.cell(row=3, column=2).data_type == "s"


def test_ranking_docx_downloads(client, single, leader):
    client.force_login(leader)
    response = client.get(reverse("scoring:ranking_docx", args=[single.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"PK")
    assert "phu-luc-chi-so-cchc-2026" in response["Content-Disposition"]


# --- correction ---------------------------------------------------------------------------


def test_correction_publishes_revision_2_and_keeps_revision_1(
    client, single, unit_a, home_affairs_officer, english
):
    score = _score(single, unit_a, "II.1")
    client.force_login(home_affairs_officer)
    url = reverse("scoring:score_correct", args=[score.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"points": "10", "reason": "Bổ sung tài liệu kiểm chứng"})
    assert response.status_code == 302
    assert response["Location"] == reverse("scoring:ranking", args=[single.pk])
    first, second = Publication.objects.filter(round=single).order_by("revision")
    assert second.revision == 2
    assert second.reason == "Bổ sung tài liệu kiểm chứng"
    assert first.results.get(unit=unit_a).index == D("85.00")
    assert second.results.get(unit=unit_a).index == D("95.00")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Revision 2 of" in html
    assert "Bổ sung tài liệu kiểm chứng" in html
    assert page.context["board"].line_of(unit_a.pk).rank == 1
    earlier = client.get(response["Location"], {"revision": "1"})
    assert earlier.context["board"].publication == first
    assert earlier.context["board"].line_of(unit_a.pk).index == D("85.00")
    assert "Not the current revision" in earlier.content.decode()


def test_correction_needs_a_reason(client, single, unit_a, home_affairs_officer, english):
    score = _score(single, unit_a, "II.1")
    client.force_login(home_affairs_officer)
    url = reverse("scoring:score_correct", args=[score.pk])
    response = client.post(url, {"points": "10", "reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["This field is required."]
    assert Publication.objects.filter(round=single).count() == 1
    assert not AuditEvent.objects.filter(verb="score.corrected").exists()


def test_correction_over_the_maximum_is_refused_on_the_field(
    client, single, unit_a, home_affairs_officer, english
):
    score = _score(single, unit_a, "II.1")
    client.force_login(home_affairs_officer)
    url = reverse("scoring:score_correct", args=[score.pk])
    response = client.post(url, {"points": "11", "reason": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["points"] == [
        "Points must be between 0 and 10.00; 11 was entered."
    ]
    assert Publication.objects.filter(round=single).count() == 1


def test_focal_point_may_not_correct(client, single, unit_a, focal_point):
    score = _score(single, unit_a, "II.1")
    client.force_login(focal_point)
    url = reverse("scoring:score_correct", args=[score.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"points": "10", "reason": "x"}).status_code == 403
    assert Publication.objects.filter(round=single).count() == 1


def test_correction_only_after_publication(client, compiled, unit_a, home_affairs_officer):
    score = _score(compiled, unit_a, "II.1")
    client.force_login(home_affairs_officer)
    assert client.get(reverse("scoring:score_correct", args=[score.pk])).status_code == 404


def test_managers_get_correction_links_on_a_published_scorecard(
    client, single, unit_a, home_affairs_officer, english
):
    sheet = single.sheets.get(unit=unit_a)
    client.force_login(home_affairs_officer)
    html = client.get(reverse("scoring:scorecard", args=[sheet.pk])).content.decode()
    score = _score(single, unit_a, "II.1")
    assert reverse("scoring:score_correct", args=[score.pk]) in html
