"""Journey of the PAR Index: self-assessment, two appraisal rounds, council, publication."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal as D

from django.utils import timezone
from playwright.sync_api import expect

from cchc.core.tests.files import make_pdf
from cchc.scoring.models import Round, ScoreSheet
from cchc.scoring.services import rounds
from cchc.scoring.tests.round_helpers import tiny_set

from .conftest import log_in

# Days from the start of the round to the first and last day of each window, in the order
# of `services.rounds.SCHEDULE`.
WINDOWS = {
    "self": (0, 9),
    "appraisal_1": (10, 14),
    "explanation": (15, 17),
    "appraisal_2": (18, 19),
    "council": (20, 24),
}
PUBLISH_AFTER = 25


def schedule_with_today_in(stage: str) -> dict[str, datetime.date]:
    """The whole schedule, slid so that today is the first day of `stage`'s window."""
    start = timezone.localdate() - datetime.timedelta(days=WINDOWS[stage][0])
    schedule = {}
    for name, (first, last) in WINDOWS.items():
        schedule[f"{name}_from"] = start + datetime.timedelta(days=first)
        schedule[f"{name}_to"] = start + datetime.timedelta(days=last)
    schedule["publish_on"] = start + datetime.timedelta(days=PUBLISH_AFTER)
    return schedule


def move_to(round_: Round, stage: str) -> None:
    # Role assignments start today, so the journey cannot travel in time: the round's
    # schedule moves instead, between stages, so that today falls in the next window.
    Round.objects.filter(pk=round_.pk).update(**schedule_with_today_in(stage))


def sign_in(page, user, password: str) -> None:
    """A fresh session for `user`, in English (the scoring strings are not translated yet)."""
    page.context.clear_cookies()
    log_in(page, user.username, password)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def vietnamese(number: D) -> str:
    return f"{number:.2f}".replace(".", ",")


def fits_360(page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") == 360
    page.set_viewport_size({"width": 1280, "height": 720})


def test_self_assessment_two_rounds_council_publication_ranking(
    page,
    tmp_path,
    home_affairs_officer,
    focal_point,
    unit_leader,
    outsider,
    appraiser,
    council_member,
    unit_a,
    password,
):
    """The focal point prepares the sheet and the head of unit (unit_leader) submits it, as
    in cchc; the focal point of another unit cannot open it before publication."""
    year = timezone.localdate().year - 1
    round_ = rounds.open_round(
        year=year,
        name=f"Chỉ số CCHC năm {year}",
        criteria_sets=[tiny_set(year)],
        schedule=schedule_with_today_in("self"),
        by=home_affairs_officer,
        units=[unit_a],
    )
    rounds.assign_appraiser(round_, area_code="1", appraiser=appraiser, by=home_affairs_officer)
    sheet = ScoreSheet.objects.get(round=round_, unit=unit_a)
    sheet_url = sheet.get_absolute_url()
    evidence = tmp_path / "bien-ban-kiem-tra.pdf"
    evidence.write_bytes(make_pdf("Biên bản kiểm tra công tác CCHC"))
    answer = tmp_path / "quyet-dinh-bo-sung.pdf"
    answer.write_bytes(make_pdf("Quyết định bổ sung"))
    manual = page.get_by_role("article", name=re.compile(r"^1\.1\b"))
    ratio = page.get_by_role("article", name=re.compile(r"^1\.2\b"))
    summary = page.get_by_role("complementary", name="Totals of the sheet")

    # Self-assessment: points and evidence on 1.1, a ratio and a note (no file) on 1.2;
    # the totals follow each saved row.
    sign_in(page, focal_point, password)
    page.goto(sheet_url)
    manual.get_by_label("Points").fill("5")
    manual.get_by_role("button", name="Save", exact=True).click()
    expect(manual.get_by_role("status")).to_have_text("Saved.")
    expect(summary).to_contain_text("5,00 / 10,00")
    manual.locator("summary", has_text="Add evidence").click()
    manual.get_by_label("File (PDF, Word, Excel, PowerPoint, PNG, JPEG)").set_input_files(evidence)
    manual.get_by_label("Description").fill("Biên bản kiểm tra")
    manual.get_by_role("button", name="Add the evidence").click()
    expect(manual.get_by_role("status")).to_have_text("Evidence added.")
    expect(manual.get_by_role("link", name="bien-ban-kiem-tra.pdf")).to_be_visible()
    ratio.get_by_label("Achieved").fill("3")
    ratio.get_by_label("Total").fill("4")
    ratio.get_by_label("Note (explain here when evidence is missing)").fill(
        "Ba trên bốn thủ tục đã công khai; danh sách ở trang của Sở."
    )
    ratio.get_by_role("button", name="Save", exact=True).click()
    expect(ratio.get_by_role("status")).to_have_text("Saved.")
    expect(ratio).to_contain_text("No evidence yet.")
    self_total = D(5) + D(4) * D(3) / D(4) / D("0.8")  # 75 % of an 80 % threshold
    expect(summary).to_contain_text(f"{vietnamese(self_total)} / 10,00")
    expect(summary).to_contain_text("Nothing is missing: the head of unit can submit.")
    fits_360(page)

    # The head of unit submits.
    sign_in(page, unit_leader, password)
    page.goto(sheet_url)
    page.get_by_role("button", name="Submit for appraisal").click()
    expect(page.locator(".messages")).to_contain_text("submitted for appraisal")
    expect(page.get_by_role("button", name="Submit for appraisal")).to_have_count(0)

    # Another unit's focal point does not find the sheet.
    sign_in(page, outsider, password)
    response = page.goto(sheet_url)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text(unit_a.name)
    assert page.goto(f"/par-index/rounds/{round_.pk}/ranking/").status == 404

    # Appraisal round 1: fewer points on 1.1 and a question.
    move_to(round_, "appraisal_1")
    sign_in(page, appraiser, password)
    page.goto(sheet_url)
    manual.get_by_label("Points").fill("4")
    manual.get_by_label("Comment").fill("Biên bản chưa có chữ ký của lãnh đạo Sở.")
    manual.get_by_label("Ask the unit to explain").check()
    manual.get_by_role("button", name="Save round 1").click()
    expect(manual.get_by_role("status")).to_have_text("Appraisal saved.")
    expect(manual).to_contain_text("Explanation asked")

    sign_in(page, home_affairs_officer, password)
    page.goto(sheet_url)
    page.get_by_role("button", name="Close appraisal round 1").click()
    expect(page.locator(".messages")).to_contain_text("Appraisal round 1 of the sheet is closed.")

    # The unit explains the flagged criterion, with a new file.
    move_to(round_, "explanation")
    sign_in(page, focal_point, password)
    page.goto(sheet_url)
    manual.get_by_label("Explanation", exact=True).fill("Bổ sung quyết định đã ký.")
    manual.get_by_label("Additional evidence (optional)").set_input_files(answer)
    manual.get_by_role("button", name="Save the explanation").click()
    expect(manual.get_by_role("status")).to_have_text("Explanation saved.")
    new_file = manual.get_by_role("listitem").filter(has_text="quyet-dinh-bo-sung.pdf")
    expect(new_file).to_contain_text("with the explanation")
    fits_360(page)
    page.get_by_role("button", name="Send the explanations").click()
    expect(page.locator(".messages")).to_contain_text("The explanations were sent")

    # Appraisal round 2.
    move_to(round_, "appraisal_2")
    sign_in(page, appraiser, password)
    page.goto(sheet_url)
    manual.get_by_label("Points").fill("4.5")
    manual.get_by_role("button", name="Save round 2").click()
    expect(manual.get_by_role("status")).to_have_text("Appraisal saved.")

    sign_in(page, home_affairs_officer, password)
    page.goto(sheet_url)
    page.get_by_role("button", name="Close appraisal round 2").click()
    expect(page.locator(".messages")).to_contain_text("the points are final")
    page.goto(round_.get_absolute_url())
    page.get_by_role("button", name="Compile for the council").click()
    expect(page.locator(".messages")).to_contain_text("compiled and sent to the council")

    # The council approves; the secretariat publishes.
    move_to(round_, "council")
    sign_in(page, council_member, password)
    page.goto(f"/par-index/rounds/{round_.pk}/approve/")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("the results are approved")

    sign_in(page, home_affairs_officer, password)
    page.goto(round_.get_absolute_url())
    page.get_by_role("button", name="Publish the results").click()
    expect(page.locator(".messages")).to_contain_text("The results were published.")

    # The ranking: appraised 4.5 + 3.75 of 10 points.
    appraised = D("4.5") + D(4) * D(3) / D(4) / D("0.8")
    index = (appraised / D(10) * 100).quantize(D("0.01"))
    sign_in(page, outsider, password)
    page.goto(round_.get_absolute_url())
    page.get_by_role("link", name="Ranking").click()
    line = page.get_by_role("row", name=re.compile(unit_a.name))
    cells = line.locator("td")
    expect(cells.nth(0)).to_have_text("1")
    expect(cells.nth(2)).to_have_text(vietnamese(appraised))
    expect(cells.nth(4)).to_have_text(vietnamese(index))
    expect(cells.nth(5)).to_have_text("Tốt")
    assert vietnamese(index) == "82,50"
    published = round_.publications.get().results.get(unit=unit_a)
    assert (published.index, published.band, published.rank) == (index, "Tốt", 1)
