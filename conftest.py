"""The cast: named people and places that tests request explicitly (STYLE.md §6.12)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.utils import translation

from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import PASSWORD, make_user
from cchc.units.models import Unit
from cchc.units.tests.factories import make_unit


@pytest.fixture
def english(settings) -> Iterator[None]:
    """Pages and messages in English, the language of the msgids, whatever the default is.

    Tests assert exact messages; asserting the msgids keeps them independent of how the
    Vietnamese catalogue words a message (its completeness has a test of its own).
    """
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def province(db) -> Unit:
    return make_unit("Tỉnh An Giang", kind=Unit.Kind.PROVINCE, code="AG")


@pytest.fixture
def home_affairs(province) -> Unit:
    return make_unit("Sở Nội vụ tỉnh An Giang", parent=province, code="SNV", short_name="SNV")


@pytest.fixture
def unit_a(province) -> Unit:
    return make_unit("Sở Tư pháp tỉnh An Giang", parent=province, code="STP", short_name="STP")


@pytest.fixture
def unit_b(province) -> Unit:
    return make_unit("Sở Y tế tỉnh An Giang", parent=province, code="SYT", short_name="SYT")


@pytest.fixture
def district(province) -> Unit:
    return make_unit(
        "Thành phố Châu Đốc",
        kind=Unit.Kind.DISTRICT,
        parent=province,
        code="884",
        official_code="884",
    )


@pytest.fixture
def commune(district) -> Unit:
    return make_unit("Phường Núi Sam", kind=Unit.Kind.COMMUNE, parent=district, code="30325")


@pytest.fixture
def admin_user(province):
    return make_user("admin", roles=[(Role.ADMIN, province)], is_staff=True)


@pytest.fixture
def home_affairs_officer(home_affairs):
    return make_user("secretariat", roles=[(Role.SECRETARIAT, home_affairs)])


@pytest.fixture
def focal_point(unit_a):
    return make_user("focal", roles=[(Role.FOCAL_POINT, unit_a)])


@pytest.fixture
def unit_leader(unit_a):
    return make_user("head", roles=[(Role.UNIT_LEADER, unit_a)])


@pytest.fixture
def appraiser(unit_a):
    return make_user("appraiser", roles=[(Role.APPRAISER, unit_a)])


@pytest.fixture
def council_member(province):
    return make_user("council", roles=[(Role.COUNCIL_MEMBER, province)])


@pytest.fixture
def leader(province):
    return make_user("leader", roles=[(Role.LEADER, province)])


@pytest.fixture
def outsider(unit_b):
    return make_user("outsider", roles=[(Role.FOCAL_POINT, unit_b)])


@pytest.fixture
def no_role_user(db):
    return make_user("norole")


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with an empty cache: primary keys repeat between tests (rolled
    back), so a cached page of one test could otherwise be served to the next."""
    from django.core.cache import cache

    from cchc.surveys.answers import clear_caches

    cache.clear()
    clear_caches()


# Every test (browser journeys apart: the browser keeps the real clock) starts at the same
# instant, so the suite does not depend on the day it runs: fixtures create role
# assignments and units "from today", and tests travel to fixed future days (the 2026 PAR
# Index round in January 2027) that must stay after that today.
PINNED_NOW = datetime.datetime(2026, 11, 28, 2, tzinfo=datetime.UTC)  # 09:00 in Viet Nam


@pytest.fixture(autouse=True)
def _pinned_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("e2e"):
        yield
        return
    with time_machine.travel(PINNED_NOW, tick=True):
        yield
