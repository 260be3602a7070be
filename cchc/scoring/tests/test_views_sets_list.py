"""The criteria-set pages: the list, the tree, and who may do what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from cchc.core.models import AuditEvent
from cchc.scoring.models import CriteriaSet
from cchc.scoring.services import rounds
from cchc.scoring.services.sets import lock_criteria_set

from .factories import make_criteria_set
from .round_helpers import SCHEDULE
from .set_helpers import _url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# --- list and tree ------------------------------------------------------------------------


def test_every_role_reads_the_list_with_its_figures(client, small_set, focal_point):
    client.force_login(focal_point)

    response = client.get(_url("set_list"))

    assert response.status_code == 200
    rows = [(s.name, s.year, s.maximum, s.scored) for s in response.context["sets"]]
    assert rows == [("Bộ tiêu chí sở 2025", 2025, Decimal("20.00"), 9)]
    assert _url("set_export", small_set.pk, "xlsx") in response.content.decode()
    assert _url("set_import") not in response.content.decode()
    assert _url("set_clone", small_set.pk) not in response.content.decode()


def test_managers_see_import_and_clone(client, small_set, home_affairs_officer):
    client.force_login(home_affairs_officer)

    page = client.get(_url("set_list")).content.decode()

    assert _url("set_import") in page
    assert _url("set_clone", small_set.pk) in page
    assert _url("set_load_reference") in page


def test_the_list_filters_by_year_and_group(client, small_set, focal_point):
    make_criteria_set(year=2024)
    make_criteria_set(group="districts", name="Bộ tiêu chí huyện")
    client.force_login(focal_point)

    by_year = client.get(_url("set_list"), {"year": "2024"}).context["sets"]
    by_group = client.get(_url("set_list"), {"group": "districts"}).context["sets"]
    both = client.get(_url("set_list"), {"year": "2025", "group": "departments"}).context["sets"]

    assert [(s.year, s.group) for s in by_year] == [(2024, "departments")]
    assert [s.name for s in by_group] == ["Bộ tiêu chí huyện"]
    assert [s.pk for s in both] == [small_set.pk]


def test_the_list_names_the_round_that_locked_a_set(client, home_affairs_officer):
    criteria_set = make_criteria_set(year=2026)
    round_ = rounds.open_round(
        year=2026,
        name="Chỉ số CCHC 2026",
        criteria_sets=[criteria_set],
        schedule=SCHEDULE,
        by=home_affairs_officer,
        units=[],
    )
    client.force_login(home_affairs_officer)

    page = client.get(_url("set_list")).content.decode()
    detail = client.get(_url("set_detail", criteria_set.pk))

    assert round_.get_absolute_url() in page
    assert detail.context["locked_by"] == round_
    assert "when the round “Chỉ số CCHC 2026” opened with it" in detail.content.decode()


def test_the_list_reads_in_a_constant_number_of_queries(client, small_set, focal_point):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(focal_point)
    with CaptureQueriesContext(connection) as one:
        client.get(_url("set_list"))
    make_criteria_set(year=2024)
    make_criteria_set(year=2023)
    with CaptureQueriesContext(connection) as three:
        response = client.get(_url("set_list"))

    assert len(response.context["sets"]) == 3
    assert len(three) == len(one)


def test_a_person_without_a_role_sees_no_set(client, small_set, no_role_user):
    client.force_login(no_role_user)

    assert list(client.get(_url("set_list")).context["sets"]) == []
    assert client.get(_url("set_detail", small_set.pk)).status_code == 404
    assert client.get(_url("set_export", small_set.pk, "json")).status_code == 404


def test_the_tree_explains_every_method_in_words(client, small_set, focal_point):
    client.force_login(focal_point)

    response = client.get(_url("set_detail", small_set.pk))

    assert response.status_code == 200
    areas = response.context["areas"]
    assert [(a.area.code, [line.criterion.code for line in a.lines]) for a in areas] == [
        ("1", ["1.1", "1.1.1", "1.1.2", "1.2", "1.3"]),
        ("2", ["2.1", "2.2", "2.3", "2.4", "2.5"]),
    ]
    words = {
        line.criterion.code: line.scoring.words for a in areas for line in a.lines if line.scoring
    }
    assert words == {
        "1.1.1": "One option is chosen:",
        "1.1.2": "The ratio of two declared numbers times the maximum; full marks (2) from 80 %, "
        "below it the ratio divided by 80 % times the maximum.",
        "1.2": "Points entered from 0 to 3, in steps of 0,5.",  # decimal comma everywhere
        "1.3": "Stepwise on a declared number: the points of the highest step reached.",
        "2.1": "From the cchc figure “dossiers_on_time”: full marks (4) from 95 %; below it, "
        "the figure divided by 95 % times the maximum.",
        "2.2": "Survey result: the secretariat enters the points (0 to 4).",
        "2.3": "Stepwise on the ratio of two declared numbers (%): the points of the highest "
        "step reached.",
        "2.4": "Points entered from 0 to 1.",
        "2.5": "Points entered from 0 to 2.",
    }
    choice = areas[0].lines[1].scoring
    assert choice.options == [
        ("Đúng hạn", "2 points"),
        ("Chậm", "1 point"),
        ("Không ban hành", "0 points"),
        ("Không áp dụng", "not applicable: left out of the maximum"),
    ]
    assert areas[0].lines[4].scoring.steps == [("0", "0"), ("1", "1,5"), ("3", "3")]
    assert areas[1].lines[2].scoring.steps == [("0 %", "0"), ("50 %", "1"), ("80 %", "2")]
    assert response.context["totals"] == {
        "maximum": Decimal(20),
        "survey": Decimal(4),
        "self": Decimal(16),
        "bonus": Decimal(1),
        "penalty": Decimal(2),
    }
    bands = [(b.label, b.start, b.below) for b in response.context["bands"]]
    assert bands[:2] == [("Xuất sắc", Decimal(90), None), ("Tốt", Decimal(80), Decimal(90))]
    page = response.content.decode()
    assert "Đúng hạn: 2 điểm" in page  # the guidance, in its <details>
    assert "from 80 % to under 90 %" in page
    assert _url("set_edit", small_set.pk) not in page


def test_managers_see_the_changes_until_the_set_is_locked(client, small_set, home_affairs_officer):
    client.force_login(home_affairs_officer)
    links = [_url(name, small_set.pk) for name in ("set_edit", "set_bands", "set_replace")]

    before = client.get(_url("set_detail", small_set.pk)).content.decode()
    lock_criteria_set(small_set, by=home_affairs_officer)
    after = client.get(_url("set_detail", small_set.pk)).content.decode()

    assert all(link in before for link in links)
    assert not any(link in after for link in links)
    assert "it can no longer change" in after


# --- who may do what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "with_pk"),
    [
        ("set_import", False),
        ("set_load_reference", False),
        ("set_clone", True),
        ("set_edit", True),
        ("set_bands", True),
        ("set_replace", True),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_focal_point_cannot_change_sets(client, small_set, focal_point, name, with_pk, method):
    client.force_login(focal_point)
    url = _url(name, small_set.pk) if with_pk else _url(name)

    response = getattr(client, method)(url, {"year": "2026", "name": "X", "bands": "A ; 1"})

    assert response.status_code == 403
    assert CriteriaSet.objects.count() == 1
    changes = AuditEvent.objects.filter(verb__regex=r"^(criteria_set|band)\.")
    assert list(changes.values_list("verb", flat=True)) == ["criteria_set.created"]


@pytest.mark.parametrize(
    "name",
    ["set_list", "set_import", "set_template_xlsx", "set_load_reference"],
)
def test_anonymous_people_are_sent_to_log_in(client, name):
    response = client.get(_url(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "name", ["set_detail", "set_clone", "set_edit", "set_bands", "set_replace"]
)
def test_anonymous_people_are_sent_to_log_in_from_a_set(client, small_set, name):
    response = client.get(_url(name, small_set.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_model_workbook_needs_a_role(client, no_role_user, focal_point):
    client.force_login(no_role_user)
    refused = client.get(_url("set_template_xlsx"))
    client.force_login(focal_point)
    allowed = client.get(_url("set_template_xlsx"))

    assert refused.status_code == 403
    assert allowed.status_code == 200
