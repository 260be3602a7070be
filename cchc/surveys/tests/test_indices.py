"""Indices aggregated from the counts in the database, checked against hand counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.units.models import Unit
from cchc.units.tests.factories import make_unit

from .. import calculations as calc
from ..models import Campaign, CampaignUnit, Question
from ..results.indices import CampaignResults, method_statement
from ..services import tallies
from ..services.responses import submit_response
from .factories import full_answers, make_campaign, make_version

pytestmark = pytest.mark.django_db

EXACT = calc.Options(places=None)

# Three respondents of unit_a (the hand counts below come from these lists).
ANSWERS_A = [
    full_answers(),  # c11 5, c12 4, e1 4, c21 agree, c22 4, e2 5, overall 4, expect 1 3
    full_answers(c11=3, c12=2, e1=2, c21=1, c22=5, e2=5, overall=2, why="Chờ lâu", expect=[2]),
    full_answers(c11=4, c12=5, e1=5, c21=None, c22=1, e2=3, overall=5, expect=[1]),
]


def column(code: str, answers=ANSWERS_A) -> list:
    return [a.get(code) for a in answers]


def submit_all(target: CampaignUnit, answers_list, **kwargs) -> None:
    for answers in answers_list:
        submit_response(target, answers, channel="paper", **kwargs)


@pytest.fixture
def small(unit_a, unit_b, district) -> Campaign:
    """min n 2, so three answers suffice."""
    return make_campaign(units=[unit_a, unit_b, district], min_n=2)


def test_criteria_are_the_share_of_favourable_answers_with_interval(small, unit_a):
    submit_all(small.surveyed_units.get(unit=unit_a), ANSWERS_A)
    group = CampaignResults(small).unit(unit_a.pk)
    got = {c.code: c.result for c in group.criteria}
    assert got["c11"] == calc.satisfaction_index(column("c11"), calc.Options(min_n=2))
    assert got["c11"].value == Decimal("66.67")
    assert got["c11"].n == 3
    low, high = calc.wilson_interval(2, 3)
    assert (got["c11"].low, got["c11"].high) == (calc.quantize(low), calc.quantize(high))
    agree = [None if v is None else v == 2 for v in column("c21")]
    assert got["c21"] == calc.assessment_index(
        agree, calc.AssessmentScale.AGREE_DISAGREE, calc.Options(min_n=2)
    )
    assert got["c21"].value == Decimal("50.00")
    assert got["c21"].n == 2  # one respondent skipped the optional statement
    assert got["c22"].value == Decimal("66.67")  # five-level agreement: 4-5 agree
    assert group.responses == 3


def test_elements_and_overall_are_means_of_exact_criteria(small, unit_a):
    submit_all(small.surveyed_units.get(unit=unit_a), ANSWERS_A)
    group = CampaignResults(small).unit(unit_a.pk)
    c11 = calc.satisfaction_index(column("c11"), EXACT)
    c12 = calc.satisfaction_index(column("c12"), EXACT)
    c21 = calc.assessment_index(
        [None if v is None else v == 2 for v in column("c21")], "agree_disagree", EXACT
    )
    c22 = calc.assessment_index(column("c22"), "five_level", EXACT)
    e1 = calc.mean_of([c11, c12], EXACT)
    e2 = calc.mean_of([c21, c22], EXACT)
    assert group.element("e1").result.value == calc.quantize(e1.value)
    assert group.element("e2").result.value == Decimal("58.33")  # (50 + 66.666…) / 2
    assert group.overall.value == calc.quantize(calc.mean_of([e1, e2], EXACT).value)
    assert group.overall.value == Decimal("62.50")  # not the mean of rounded 66.67 and 58.33


def test_the_element_method_switch_changes_the_figure(small, unit_a, english):
    submit_all(small.surveyed_units.get(unit=unit_a), ANSWERS_A)
    mean = CampaignResults(small).unit(unit_a.pk)
    small.element_method = calc.ElementMethod.SHARE_ON_QUESTION
    share = CampaignResults(small).unit(unit_a.pk)
    assert share.overall == calc.satisfaction_index(column("overall"), calc.Options(min_n=2))
    assert share.overall.value == Decimal("66.67")
    assert share.overall.low is not None  # a share has an interval, a mean does not
    assert share.element("e2").result.value == Decimal("66.67")  # e2 answers 5, 5, 3
    assert mean.overall.value == Decimal("62.50")
    assert mean.overall.low is None
    assert "Share satisfied" in method_statement(small)


def test_expectation_shares_are_of_respondents_answering(small, unit_a, english):
    submit_all(small.surveyed_units.get(unit=unit_a), ANSWERS_A)
    (expect,) = CampaignResults(small).unit(unit_a.pk).expectations
    assert expect.respondents == 3
    shares = {s.name: s.result for s in expect.shares}
    names = {1: "thai_do", 2: "cong_khai", 3: "nang_luc"}
    selections = [[names[v] for v in picks or []] for picks in column("expect")]
    assert shares == calc.expectation_shares(
        selections, list(names.values()), 2, calc.Options(min_n=2)
    )
    assert shares["thai_do"].value == Decimal("66.67")
    assert shares["cong_khai"].value == Decimal("33.33")
    assert shares["nang_luc"].value == Decimal("33.33")
    assert shares["thai_do"].n == 3


def test_province_level_and_procedure_pool_the_counts(unit_a, unit_b, district):
    campaign = make_campaign(
        units=[unit_a, unit_b, district],
        min_n=2,
        procedures=[{"code": "ks", "name": "Khai sinh"}, {"code": "dd", "name": "Đất đai"}],
    )
    submit_all(campaign.surveyed_units.get(unit=unit_a), ANSWERS_A[:2], procedure_code="ks")
    submit_all(campaign.surveyed_units.get(unit=unit_b), ANSWERS_A[2:], procedure_code="dd")
    submit_all(campaign.surveyed_units.get(unit=district), [full_answers(c11=1)])
    results = CampaignResults(campaign)
    c11_all = [*column("c11"), 1]
    assert results.province.responses == 4
    assert results.province.criteria[0].result == calc.satisfaction_index(
        c11_all, calc.Options(min_n=2)
    )
    levels = {g.key: g for g in results.levels}
    assert set(levels) == {Unit.Kind.DEPARTMENT, Unit.Kind.DISTRICT}
    assert levels[Unit.Kind.DEPARTMENT].responses == 3
    assert levels[Unit.Kind.DEPARTMENT].criteria[0].result.value == Decimal("66.67")
    assert levels[Unit.Kind.DISTRICT].insufficient  # one response, min n 2
    procedures = {g.key: g for g in results.procedures}
    assert procedures["ks"].label == "Khai sinh"
    assert procedures["ks"].responses == 2
    assert procedures["dd"].responses == 1
    assert procedures[""].responses == 1  # the district's response named no procedure


def test_insufficient_sample_and_under_quota(campaign, unit_a, unit_b):
    submit_all(campaign.surveyed_units.get(unit=unit_a), ANSWERS_A)
    results = CampaignResults(campaign)  # min n 30, quota 30
    a = results.unit(unit_a.pk)
    assert a.insufficient
    assert a.under_quota
    assert not a.overall.sufficient
    assert a.criteria[0].result.value is not None  # computed, but flagged (not shown)
    b = results.unit(unit_b.pk)
    assert b.responses == 0
    assert b.overall.value is None


def test_enough_responses_clear_the_flags(unit_a):
    campaign = make_campaign(units=[unit_a], min_n=2, quota=3)
    submit_all(campaign.surveyed_units.get(unit=unit_a), ANSWERS_A)
    group = CampaignResults(campaign).unit(unit_a.pk)
    assert not group.insufficient
    assert not group.under_quota
    assert group.overall.sufficient


def test_invalid_responses_are_not_counted(small, unit_a, home_affairs_officer):
    from ..services.responses import invalidate_response

    target = small.surveyed_units.get(unit=unit_a)
    submit_all(target, ANSWERS_A)
    invalidate_response(small.responses.first(), reason="Phiếu trùng", by=home_affairs_officer)
    assert CampaignResults(small).unit(unit_a.pk).responses == 2
    assert CampaignResults(small).province.responses == 2


def test_weighting_by_population_shows_the_weights(unit_a, unit_b, district, english):
    campaign = make_campaign(units=[unit_a, unit_b, district], min_n=1, weighted=True)
    CampaignUnit.objects.filter(campaign=campaign, unit=unit_a).update(population=300)
    CampaignUnit.objects.filter(campaign=campaign, unit=unit_b).update(population=100)
    submit_all(campaign.surveyed_units.get(unit=unit_a), [full_answers(overall=5)])  # 100 %
    submit_all(campaign.surveyed_units.get(unit=unit_b), [full_answers(overall=1, why="x")])
    submit_all(campaign.surveyed_units.get(unit=district), [full_answers(overall=5)])
    campaign.element_method = calc.ElementMethod.SHARE_ON_QUESTION
    results = CampaignResults(campaign)
    province = results.province
    # (300 x 100 + 100 x 0) / 400; the district has no N and is left out (pooled: 66.67).
    assert province.overall.value == Decimal("75.00")
    assert (
        province.overall.value
        == calc.weighted_index(
            {1: (Decimal(100), Decimal(300)), 2: (Decimal(0), Decimal(100))}
        ).value
    )
    weights = {w.unit_name: w for w in province.weighting.weights}
    assert weights[unit_a.name].share == Decimal("0.75")
    assert weights[unit_a.name].population == 300
    assert weights[unit_b.name].share == Decimal("0.25")
    assert province.weighting.without_population == (district.name,)
    assert province.expectations[0].respondents == 3  # expectations stay pooled
    departments = next(g for g in results.levels if g.key == Unit.Kind.DEPARTMENT)
    assert departments.overall.value == Decimal("75.00")
    assert "weighted" in method_statement(campaign)


def test_weighting_without_any_population_keeps_the_pooled_figure(unit_a, unit_b):
    campaign = make_campaign(units=[unit_a, unit_b], min_n=1, weighted=True)
    submit_all(campaign.surveyed_units.get(unit=unit_a), ANSWERS_A)
    province = CampaignResults(campaign).province
    unweighted = CampaignResults(replace_weighted(campaign)).province
    assert province.overall == unweighted.overall
    assert not province.weighting.applied
    assert set(province.weighting.without_population) == {unit_a.name, unit_b.name}


def replace_weighted(campaign: Campaign) -> Campaign:
    campaign = Campaign.objects.get(pk=campaign.pk)
    campaign.weighted = False
    return campaign


def test_criteria_of_a_questionnaire_without_index_questions_are_empty(unit_a):
    campaign = make_campaign(units=[unit_a], min_n=1)
    Question.objects.filter(version=campaign.version).update(index_role="")
    group = CampaignResults(campaign).unit(unit_a.pk)
    assert group.elements == ()
    assert group.overall.value is None


def compute_all(results: CampaignResults) -> None:
    assert results.province is not None
    assert results.levels is not None
    assert results.procedures is not None
    assert results.units is not None


def _results_queries(campaign_pk: int) -> int:
    campaign = Campaign.objects.get(pk=campaign_pk)
    with CaptureQueriesContext(connection) as captured:
        results = CampaignResults(campaign)
        compute_all(results)
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_responses_or_units(
    province, unit_a, django_assert_max_num_queries
):
    version = make_version("tiny")
    campaign = make_campaign(version, units=[unit_a], code="tiny", min_n=1)
    submit_all(campaign.surveyed_units.get(unit=unit_a), ANSWERS_A[:1])
    few = _results_queries(campaign.pk)
    for i in range(12):
        unit = make_unit(f"Xã {i}", kind=Unit.Kind.COMMUNE, parent=province)
        target = CampaignUnit.objects.create(campaign=campaign, unit=unit, quota=5)
        keys = tallies.counted(_spec(campaign), full_answers())
        tallies.apply(campaign.pk, unit.pk, "", keys, 40)  # 40 more responses' counts
        submit_all(target, ANSWERS_A)
    campaign = Campaign.objects.get(pk=campaign.pk)
    with django_assert_max_num_queries(few):
        results = CampaignResults(campaign)
        compute_all(results)
    assert len(results.units) == 13
    assert results.province.responses == 1 + 12 * (3 + 40)


def _spec(campaign: Campaign):
    from ..answers import spec_for

    return spec_for(campaign.version)


def test_weighted_results_need_no_more_queries_than_pooled(unit_a, unit_b):
    campaign = make_campaign(units=[unit_a, unit_b], min_n=1)
    CampaignUnit.objects.filter(campaign=campaign).update(population=50)
    submit_all(campaign.surveyed_units.get(unit=unit_a), ANSWERS_A)
    pooled = _results_queries(campaign.pk)
    Campaign.objects.filter(pk=campaign.pk).update(weighted=True)
    assert _results_queries(campaign.pk) == pooled
