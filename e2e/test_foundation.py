"""Journeys of the foundation: units, search without diacritics, language, access."""

from __future__ import annotations

from playwright.sync_api import expect

from cchc.units.models import Unit

from .conftest import log_in


def test_secretariat_creates_unit_and_finds_it_without_diacritics(
    page, home_affairs_officer, unit_a, password
):
    log_in(page, home_affairs_officer.username, password)
    page.goto(f"/units/new/?parent={unit_a.pk}")
    page.fill("#id_code", "STP-TTTGPL")
    page.fill("#id_name", "Trung tâm Trợ giúp pháp lý nhà nước Châu Đốc")
    page.select_option("#id_kind", Unit.Kind.SUBORDINATE)
    page.click("form.unit-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Trung tâm Trợ giúp pháp lý nhà nước Châu Đốc")
    created = Unit.objects.get(code="STP-TTTGPL")
    assert created.parent == unit_a

    page.goto("/units/")
    page.fill("#id_q", "tro giup phap ly chau doc")
    page.keyboard.press("Enter")
    results = page.locator("#unit-results")
    expect(results).to_contain_text("Trung tâm Trợ giúp pháp lý nhà nước Châu Đốc")
    expect(results.locator("tbody tr")).to_have_count(1)


def test_interface_switches_to_english_and_back(page, focal_point, password):
    log_in(page, focal_point.username, password)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def test_focal_point_cannot_open_another_units_page(page, focal_point, unit_a, unit_b, password):
    log_in(page, focal_point.username, password)
    own = page.goto(f"/units/{unit_a.pk}/")
    assert own.status == 200
    expect(page.locator("h1")).to_contain_text(unit_a.name)

    other = page.goto(f"/units/{unit_b.pk}/")
    assert other.status == 404
    expect(page.locator("body")).not_to_contain_text(unit_b.name)


def test_pages_fit_a_phone_screen(
    browser, live_server, home_affairs_officer, focal_point, unit_a, password
):
    from cchc.plans.tests.helpers import assignment_for

    late = assignment_for(unit_a, due_in=-3, content="Rà soát, đơn giản hóa thủ tục hành chính")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    log_in(page, home_affairs_officer.username, password)
    pages = ["/", "/units/", "/accounts/users/", "/audit/", "/accounts/me/"]
    pages += ["/plans/", "/plans/board/", "/plans/overdue/", "/plans/progress/", "/plans/calendar/"]
    pages += [
        late.get_absolute_url(),
        late.task.get_absolute_url(),
        late.task.plan.get_absolute_url(),
    ]
    for path in pages:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert (path, width) == (path, 360)
    context.close()
