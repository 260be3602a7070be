"""Paper entry by staff: single entry, blind double entry, comparing and settling."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.core.models import AuditEvent

from .. import answers
from ..answers import AnswersInvalid
from ..models import Channel, PaperEntry, Response, Tally
from ..services.entry import (
    PROCEDURE,
    EntryStatus,
    answers_summary,
    compare,
    duplicate_groups,
    enter_paper,
    pending,
    settle,
)
from ..services.responses import submit_response
from .factories import full_answers, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_specs() -> None:
    """Primary keys repeat between tests (rolled back): read each version's rules afresh."""
    answers._CACHE.clear()


@pytest.fixture
def double(unit_a, unit_b):
    """A campaign typed twice, with two procedures."""
    procedures = [{"code": "ly-lich", "name": "Cấp phiếu lý lịch tư pháp"}, {"code": "hk"}]
    campaign = make_campaign(
        units=[unit_a, unit_b], code="double", double_entry=True, procedures=procedures
    )
    return campaign.surveyed_units.get(unit=unit_a)


@pytest.fixture
def colleague(unit_a):
    """A second focal point of unit_a (the second typist)."""
    return make_user("colleague", roles=[(Role.FOCAL_POINT, unit_a)])


def test_single_entry_becomes_a_paper_response_at_once(target, focal_point):
    response = enter_paper(target, " P-001 ", full_answers(), by=focal_point)
    assert isinstance(response, Response)
    assert (response.channel, response.paper_serial) == (Channel.PAPER, "P-001")
    assert response.entered_by == focal_point
    assert response.verified_by is None
    entry = PaperEntry.objects.get()
    assert (entry.entry_no, entry.response, entry.entered_by) == (1, response, focal_point)
    assert Tally.objects.filter(campaign=target.campaign, count=1).exists()
    event = AuditEvent.objects.get(verb="response.entered")
    assert event.data == {"campaign": "sipas-2026", "unit": target.unit_id, "serial": "P-001"}


def test_a_serial_already_entered_is_refused(target, home_affairs_officer, english):
    enter_paper(target, "P-001", full_answers(), by=home_affairs_officer)
    with pytest.raises(AnswersInvalid) as refused:
        enter_paper(target, "P-001", full_answers(c11=1), by=home_affairs_officer)
    assert refused.value.problems == {
        "serial": ["Form number P-001 has already been entered for this unit."]
    }
    assert Response.objects.count() == 1


def test_the_same_serial_may_be_used_by_another_unit(
    campaign, target, unit_b, home_affairs_officer
):
    other = campaign.surveyed_units.get(unit=unit_b)
    enter_paper(target, "1", full_answers(), by=home_affairs_officer)
    enter_paper(other, "1", full_answers(), by=home_affairs_officer)
    assert Response.objects.count() == 2


@pytest.mark.usefixtures("english")
def test_bad_answers_are_named_per_question_and_nothing_is_saved(target, focal_point):
    with pytest.raises(AnswersInvalid) as refused:
        enter_paper(target, "P-2", full_answers(c11=7, c12=None), by=focal_point)
    assert set(refused.value.problems) == {"c11", "c12"}
    assert refused.value.problems["c12"] == ["This question is required."]
    assert not PaperEntry.objects.exists()
    assert not Response.objects.exists()


@pytest.mark.usefixtures("english")
def test_a_serial_is_required(target, focal_point):
    with pytest.raises(AnswersInvalid) as refused:
        enter_paper(target, "  ", full_answers(), by=focal_point)
    assert refused.value.problems == {"serial": ["Enter the number written on the paper form."]}


def test_another_units_focal_point_may_not_enter(target, outsider):
    with pytest.raises(PermissionDenied):
        enter_paper(target, "P-1", full_answers(), by=outsider)
    assert not PaperEntry.objects.exists()


@pytest.mark.parametrize("who", ["appraiser", "leader", "council_member"])
def test_other_roles_may_not_enter(target, who, request):
    with pytest.raises(PermissionDenied):
        enter_paper(target, "P-1", full_answers(), by=request.getfixturevalue(who))


def test_double_entry_identical_creates_a_verified_response(double, focal_point, colleague):
    first = enter_paper(double, "A7", full_answers(), by=focal_point, procedure_code="hk")
    assert isinstance(first, PaperEntry)
    assert (first.entry_no, first.response) == (1, None)
    assert not Response.objects.exists()  # nothing counted before the second typing
    response = enter_paper(double, "A7", full_answers(), by=colleague, procedure_code="hk")
    assert isinstance(response, Response)
    assert (response.entered_by, response.verified_by) == (focal_point, colleague)
    assert response.procedure_code == "hk"
    assert set(PaperEntry.objects.values_list("entry_no", "response")) == {
        (1, response.pk),
        (2, response.pk),
    }
    verbs = list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs[-3:] == ["paper.first_entry", "paper.second_entry", "response.entered"]


@pytest.mark.usefixtures("english")
def test_the_second_entry_must_be_made_by_someone_else(double, focal_point):
    enter_paper(double, "A7", full_answers(), by=focal_point)
    with pytest.raises(AnswersInvalid) as refused:
        enter_paper(double, "A7", full_answers(), by=focal_point)
    assert refused.value.problems == {"serial": ["The second entry must be made by someone else."]}
    assert PaperEntry.objects.count() == 1


def test_differing_entries_are_kept_and_compared(double, focal_point, colleague):
    enter_paper(double, "A7", full_answers(), by=focal_point, procedure_code="hk")
    second = enter_paper(
        double, "A7", full_answers(c11=4, expect=[2]), by=colleague, procedure_code="ly-lich"
    )
    assert isinstance(second, PaperEntry)
    assert second.entry_no == 2
    assert not Response.objects.exists()
    rows = pending(double.campaign, focal_point)
    assert [(r["serial"], r["status"]) for r in rows] == [("A7", EntryStatus.DIFFERS)]
    lines = {line.code: line for line in compare(double, "A7", by=colleague)}
    differing = {code for code, line in lines.items() if not line.same}
    assert differing == {PROCEDURE, "c11", "expect"}
    assert (lines["c11"].first_value, lines["c11"].second_value) == (5, 4)
    assert lines["c11"].text == "Câu hỏi c11"
    assert lines["expect"].first == "1 - Nâng cao thái độ phục vụ; 3 - Nâng cao năng lực công chức"
    assert lines[PROCEDURE].first == "hk"
    assert lines[PROCEDURE].second == "Cấp phiếu lý lịch tư pháp"
    assert lines["c12"].same


def test_settling_creates_the_response_with_the_chosen_answers(
    double, focal_point, colleague, home_affairs_officer
):
    enter_paper(double, "A7", full_answers(), by=focal_point, procedure_code="hk")
    enter_paper(double, "A7", full_answers(c11=4, expect=[2]), by=colleague, procedure_code="")
    response = settle(
        double, "A7", {"c11": 2, "expect": "1", PROCEDURE: 1}, by=home_affairs_officer
    )
    assert response.answers == full_answers(c11=4, expect=[1, 3], age="41")
    assert response.procedure_code == "hk"
    assert (response.entered_by, response.verified_by) == (focal_point, home_affairs_officer)
    assert PaperEntry.objects.filter(response=response).count() == 2
    assert pending(double.campaign, home_affairs_officer) == []
    event = AuditEvent.objects.get(verb="paper.settled")
    assert event.data["serial"] == "A7"
    with pytest.raises(AnswersInvalid):  # the form number is used up
        enter_paper(double, "A7", full_answers(), by=colleague)


@pytest.mark.usefixtures("english")
def test_settling_needs_a_choice_for_every_difference(double, focal_point, colleague):
    enter_paper(double, "A7", full_answers(), by=focal_point)
    enter_paper(double, "A7", full_answers(c11=4, c12=1), by=colleague)
    with pytest.raises(AnswersInvalid) as refused:
        settle(double, "A7", {"c11": 1, "c12": 3}, by=focal_point)
    assert refused.value.problems == {"c12": ["Choose the first or the second entry."]}
    assert not Response.objects.exists()


@pytest.mark.usefixtures("english")
def test_the_first_typing_is_never_shown_before_the_second(double, focal_point, colleague):
    enter_paper(double, "A7", full_answers(), by=focal_point)
    with pytest.raises(AnswersInvalid) as refused:
        compare(double, "A7", by=colleague)
    assert refused.value.problems == {"serial": ["This form has not been typed twice yet."]}
    rows = pending(double.campaign, colleague)
    assert [(r["serial"], r["status"]) for r in rows] == [("A7", EntryStatus.WAITING)]


def test_pending_lists_only_the_units_one_may_enter_for(double, unit_b, focal_point, outsider):
    other = double.campaign.surveyed_units.get(unit=unit_b)
    enter_paper(double, "A1", full_answers(), by=focal_point)
    enter_paper(other, "B1", full_answers(), by=outsider)
    assert [r["serial"] for r in pending(double.campaign, focal_point)] == ["A1"]
    assert [r["serial"] for r in pending(double.campaign, outsider)] == ["B1"]


def test_compare_and_settle_refuse_another_units_focal_point(
    double, focal_point, colleague, outsider
):
    enter_paper(double, "A7", full_answers(), by=focal_point)
    enter_paper(double, "A7", full_answers(c11=1, why="chậm"), by=colleague)
    with pytest.raises(PermissionDenied):
        compare(double, "A7", by=outsider)
    with pytest.raises(PermissionDenied):
        settle(double, "A7", {"c11": 1, "why": 1}, by=outsider)


def test_duplicate_groups_find_identical_responses_of_the_same_hour(
    target, campaign, unit_b, home_affairs_officer
):
    a = submit_response(target, full_answers(), channel="web")
    b = submit_response(target, full_answers(), channel="web")
    submit_response(target, full_answers(c11=1, why="x"), channel="web")
    other = campaign.surveyed_units.get(unit=unit_b)
    submit_response(other, full_answers(), channel="web")  # same answers, another unit
    groups = duplicate_groups(campaign, home_affairs_officer)
    assert [(g["count"], [r.pk for r in g["responses"]]) for g in groups] == [(2, [a.pk, b.pk])]
    assert groups[0]["unit"] == target.unit


def test_duplicates_are_the_secretariats(campaign, focal_point):
    with pytest.raises(PermissionDenied):
        duplicate_groups(campaign, focal_point)


def test_answers_summary_is_one_short_line(target):
    response = submit_response(target, full_answers(comment="x" * 40), channel="web")
    from ..answers import spec_for

    summary = answers_summary(spec_for(target.campaign.version), response.answers)
    assert summary.startswith("c11=5 c12=4 e1=4 c21=2 c22=4 e2=5 overall=4 expect=1,3")
    assert summary.endswith("comment=" + "x" * 24 + "…")


def test_answer_labels_read_in_the_page_language_though_the_spec_is_cached(target):
    from django.utils import translation

    from ..answers import _CACHE, spec_for
    from ..services.entry import answer_lines

    version = target.campaign.version
    with translation.override("en"):
        spec_for(version)
    assert _CACHE  # the version is locked: its spec was read once, in English
    with translation.override("vi"):
        lines = {code: shown for code, _text, shown in answer_lines(version, {"overall": 5})}
    assert lines["overall"] == "5 - Rất hài lòng"
