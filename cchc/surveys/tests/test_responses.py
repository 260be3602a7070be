from __future__ import annotations

import pytest

from ..answers import AnswersInvalid
from ..models import ResponseCount, SurveyToken, Tally
from ..services import tallies
from ..services.responses import invalidate_response, submit_response
from .factories import full_answers

pytestmark = pytest.mark.django_db


def counts(campaign) -> dict[tuple[str, int], int]:
    return {
        (t.question.code, t.value): t.count
        for t in Tally.objects.filter(campaign=campaign).select_related("question")
        if t.count
    }


def test_a_response_is_stored_to_the_hour_and_counted(target):
    response = submit_response(target, full_answers(), channel="web")
    assert response.submitted_hour.minute == 0
    assert response.submitted_hour.second == 0
    assert response.entered_by is None
    got = counts(target.campaign)
    assert got[("c11", 5)] == 1
    assert got[("expect", 0)] == 1  # respondents answering the multiple-choice question
    assert got[("expect", 1)] == 1
    assert got[("expect", 3)] == 1
    assert ("age", 41) not in got


def test_refused_answers_name_each_question_and_save_nothing(target):
    with pytest.raises(AnswersInvalid) as refused:
        submit_response(target, full_answers(c11=None, c12=9, expect=[1, 2, 3]), channel="web")
    assert set(refused.value.problems) == {"c11", "c12", "expect"}
    assert not target.campaign.responses.exists()
    assert not Tally.objects.exists()


def test_a_question_shown_by_a_condition_is_required_only_when_shown(target):
    with pytest.raises(AnswersInvalid) as refused:
        submit_response(target, full_answers(overall=1), channel="web")
    assert set(refused.value.problems) == {"why"}
    response = submit_response(target, full_answers(why="ignored"), channel="web")
    assert "why" not in response.answers  # not asked: dropped


def test_html_in_text_answers_is_stripped(target):
    response = submit_response(
        target, full_answers(comment="<script>alert(1)</script>Tốt"), channel="web"
    )
    assert response.answers["comment"] == "alert(1)Tốt"


def test_a_token_is_accepted_once(target):
    token = SurveyToken.objects.create(campaign=target.campaign, unit=target.unit)
    submit_response(target, full_answers(), channel="web", token=token.code)
    with pytest.raises(AnswersInvalid) as refused:
        submit_response(target, full_answers(), channel="web", token=token.code)
    assert set(refused.value.problems) == {"token"}
    assert target.campaign.responses.count() == 1


def test_a_refused_submission_does_not_use_up_its_token(target):
    token = SurveyToken.objects.create(campaign=target.campaign)
    with pytest.raises(AnswersInvalid):
        submit_response(target, full_answers(c11=7), channel="web", token=token.code)
    token.refresh_from_db()
    assert token.used_hour is None


def test_invalidation_takes_the_response_out_of_the_counts(target, home_affairs_officer):
    kept = submit_response(target, full_answers(), channel="web")
    dropped = submit_response(target, full_answers(c11=1), channel="web")
    invalidate_response(dropped, reason="Phiếu thử", by=home_affairs_officer)
    assert counts(target.campaign)[("c11", 5)] == 1
    assert ("c11", 1) not in counts(target.campaign)
    dropped.refresh_from_db()
    assert (dropped.is_valid, dropped.invalid_reason) == (False, "Phiếu thử")
    assert kept.is_valid


def test_only_the_secretariat_invalidates(target, focal_point):
    from django.core.exceptions import PermissionDenied

    response = submit_response(target, full_answers(), channel="web")
    with pytest.raises(PermissionDenied):
        invalidate_response(response, reason="x", by=focal_point)


def test_rebuilt_counts_equal_the_running_counts(target, campaign, home_affairs_officer):
    for c11 in (1, 2, 3, 4, 5, 5):
        last = submit_response(target, full_answers(c11=c11, why="x"), channel="web")
    invalidate_response(last, reason="trùng", by=home_affairs_officer)
    running = counts(campaign), responses(campaign)
    from ..answers import spec_for

    tallies.rebuild(campaign, spec_for(campaign.version))
    assert (counts(campaign), responses(campaign)) == running
    assert responses(campaign) == {target.unit_id: 5}


def responses(campaign) -> dict[int, int]:
    rows = ResponseCount.objects.filter(campaign=campaign, count__gt=0)
    return dict(rows.values_list("unit_id", "count"))
