"""The one set of answer rules every channel shares (`answers.clean_answers`)."""

from __future__ import annotations

import pytest

from ..answers import AnswersInvalid, clean_answers, spec_for
from .factories import full_answers, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec():
    return spec_for(make_version())


def problems(spec, **overrides) -> dict[str, list[str]]:
    with pytest.raises(AnswersInvalid) as refused:
        clean_answers(spec, full_answers(**overrides))
    return refused.value.problems


@pytest.mark.parametrize(
    ("given", "kept"),
    [(60, "60"), ("70", "70"), ("41,5", "41.5"), (" 15 ", "15"), ("100.0", "100")],
)
def test_numbers_are_kept_as_plain_decimal_strings(spec, given, kept):
    assert clean_answers(spec, full_answers(age=given))["age"] == kept


@pytest.mark.parametrize("given", ["abc", "NaN", "Infinity", "14", "101", True])
def test_a_number_out_of_bounds_or_not_a_number_is_refused(spec, given):
    assert set(problems(spec, age=given)) == {"age"}


def test_choices_are_read_by_value_name_or_label(spec):
    cleaned = clean_answers(
        spec, full_answers(c11="5", gender="nu", expect="thai_do nang_luc", c12="Hài lòng")
    )
    assert (cleaned["c11"], cleaned["gender"], cleaned["expect"]) == (5, 2, [1, 3])


def test_a_scale_label_is_recognised_in_english_too(spec):
    assert clean_answers(spec, full_answers(c12="Very satisfied"))["c12"] == 5


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"c11": 0}, "c11"),
        ({"c11": 6}, "c11"),
        ({"c11": [4, 5]}, "c11"),
        ({"c21": 3}, "c21"),  # agree/disagree has two answers
        ({"expect": [1, 1]}, "expect"),
        ({"expect": [1, 2, 3]}, "expect"),  # at most 2
        ({"expect": ["khong_co"]}, "expect"),
        ({"comment": "x" * 201}, "comment"),
        ({"gender": "khac"}, "gender"),
    ],
)
def test_each_bad_answer_is_named(spec, overrides, code):
    assert set(problems(spec, **overrides)) == {code}


def test_unknown_questions_are_refused_unless_told_to_ignore_them(spec):
    raw = {**full_answers(), "extra": "1"}
    with pytest.raises(AnswersInvalid) as refused:
        clean_answers(spec, raw)
    assert set(refused.value.problems) == {"extra"}
    assert "extra" not in clean_answers(spec, raw, unknown_is_error=False)


def test_text_loses_tags_and_control_characters(spec):
    cleaned = clean_answers(spec, full_answers(comment="<b>Tốt</b>\x00\x07 lắm"))
    assert cleaned["comment"] == "Tốt lắm"


def test_blank_optional_answers_are_left_out(spec):
    cleaned = clean_answers(spec, full_answers(comment="   ", age="", expect=[]))
    assert not {"comment", "age", "expect"} & cleaned.keys()


def test_text_is_stored_with_precomposed_accents(spec):
    import unicodedata

    typed = unicodedata.normalize("NFD", "Cần thêm chỗ ngồi chờ")
    assert clean_answers(spec, full_answers(comment=typed))["comment"] == "Cần thêm chỗ ngồi chờ"
