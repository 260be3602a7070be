import datetime

import pytest
from django.core.exceptions import ValidationError

from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.units.models import Unit

from .factories import make_unit

pytestmark = pytest.mark.django_db


def codes(units) -> list[str]:
    return sorted(u.code for u in units)


def test_search_ignores_diacritics_and_case(district, commune, unit_a):
    assert codes(Unit.objects.search("chau doc")) == ["884"]
    assert codes(Unit.objects.search("CHÂU ĐỐC")) == ["884"]
    assert codes(Unit.objects.search("núi sam")) == ["30325"]


def test_search_treats_old_and_new_tone_placement_alike(province):
    make_unit("Xã Mỹ Hoà Hưng", kind=Unit.Kind.COMMUNE, parent=province, code="30313")
    assert codes(Unit.objects.search("Mỹ Hòa Hưng")) == ["30313"]
    assert codes(Unit.objects.search("Mỹ Hoà Hưng")) == ["30313"]


def test_search_folds_d_with_stroke(district):
    assert codes(Unit.objects.search("Đốc")) == ["884"]
    assert codes(Unit.objects.search("doc")) == ["884"]


def test_search_matches_code_and_short_name(unit_a, unit_b):
    assert codes(Unit.objects.search("stp")) == ["STP"]
    assert codes(Unit.objects.search("")) == codes(Unit.objects.all())


def test_province_wide_roles_see_every_unit(
    home_affairs_officer, appraiser, council_member, leader, admin_user, unit_b, commune
):
    everything = codes(Unit.objects.all())
    for user in (home_affairs_officer, appraiser, council_member, leader, admin_user):
        assert codes(Unit.objects.visible_to(user)) == everything


def test_focal_point_and_head_see_only_their_unit(focal_point, unit_leader, outsider, unit_b):
    assert codes(Unit.objects.visible_to(focal_point)) == ["STP"]
    assert codes(Unit.objects.visible_to(unit_leader)) == ["STP"]
    assert codes(Unit.objects.visible_to(outsider)) == ["SYT"]


def test_user_without_role_sees_nothing(no_role_user, unit_a):
    assert list(Unit.objects.visible_to(no_role_user)) == []


def test_role_over_a_subtree_covers_the_units_below(district, commune):
    official = make_user("district-official", roles=[(Role.FOCAL_POINT, district)], subtree=True)
    assert codes(Unit.objects.visible_to(official)) == ["30325", "884"]


def test_descendant_ids_walks_every_level(province, district, commune, unit_a):
    assert Unit.objects.descendant_ids({province.pk}) == {district.pk, commune.pk, unit_a.pk}
    assert Unit.objects.descendant_ids({district.pk}) == {commune.pk}
    assert Unit.objects.descendant_ids({commune.pk}) == set()


def test_ended_and_current(province):
    old = make_unit(parent=province, code="OLD", valid_to=datetime.date(2025, 2, 28))
    new = make_unit(parent=province, code="NEW", valid_from=datetime.date(2025, 3, 1))
    assert codes(Unit.objects.ended()) == ["OLD"]
    assert "NEW" in codes(Unit.objects.current())
    assert not old.is_current
    assert new.is_current_on(datetime.date(2025, 3, 1))
    assert not new.is_current_on(datetime.date(2025, 2, 28))


def test_without_focal_point_lists_current_units_nobody_represents(
    focal_point, unit_b, home_affairs, district
):
    make_unit(parent=district.parent, code="GONE", valid_to=datetime.date(2020, 1, 1))
    found = codes(Unit.objects.without_focal_point())
    assert found == ["884", "AG", "SNV", "SYT"]


def test_clean_rejects_parent_of_a_kind_not_allowed(commune, unit_a):
    unit = Unit(code="X", name="Xã thử", kind=Unit.Kind.COMMUNE, parent=unit_a)
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert error.value.message_dict == {
        "parent": [
            "A unit of kind Commune-level unit cannot be placed under a unit of kind "
            "Department or agency."
        ]
    }


def test_ancestor_ids_include_the_unit_and_everything_above(province, district, commune):
    assert commune.ancestor_ids() == {commune.pk, district.pk, province.pk}
    assert [u.code for u in commune.ancestors()] == ["AG", "884"]


def test_province_cannot_move_below_its_own_district(province, district):
    province.parent = district
    with pytest.raises(ValidationError) as error:
        province.full_clean()
    assert error.value.message_dict == {
        "parent": ["A unit of kind Province cannot have a parent unit."]
    }


def test_clean_requires_a_parent_below_the_province():
    unit = Unit(code="X", name="Sở thử", kind=Unit.Kind.DEPARTMENT)
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert error.value.message_dict == {"parent": ["A unit of this kind needs a parent unit."]}


def test_names_are_normalised_on_save(province):
    unit = make_unit("  Sở   Tư pháp ", parent=province, code="X1")
    unit.refresh_from_db()
    assert unit.name == "Sở Tư pháp"
    assert unit.search_text == "so tu phap x1"
