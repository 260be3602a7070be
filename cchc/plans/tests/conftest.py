"""Every test of this app asserts the English msgids (see the root `english` fixture).

`plan` and `assignment` are the plan and assignment the service tests share; a test
module that needs another one defines its own.
"""

import pytest

from ..models import Assignment
from .factories import make_plan, make_task


@pytest.fixture(autouse=True)
def _in_english(english):
    """Run each test with the interface in English."""


@pytest.fixture
def plan(home_affairs_officer, province):
    return make_plan(by=home_affairs_officer, issuing_unit=province, number="12/KH-UBND")


@pytest.fixture
def assignment(plan, unit_a, home_affairs_officer):
    task = make_task(plan=plan, unit=unit_a, code="1", by=home_affairs_officer)
    return Assignment.objects.get(task=task)
