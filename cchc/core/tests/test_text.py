from __future__ import annotations

import pytest

from cchc.core.text import fold, normalize


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Thành phố Châu Đốc", "thanh pho chau doc"),
        ("  Xã   Mỹ Hoà Hưng ", "xa my hoa hung"),
        ("Xã Mỹ Hòa Hưng", "xa my hoa hung"),
        ("ĐẶC KHU PHÚ QUỐC", "dac khu phu quoc"),
        ("Sở Lao động - Thương binh và Xã hội", "so lao dong - thuong binh va xa hoi"),
        ("", ""),
    ],
)
def test_fold_ignores_case_diacritics_and_tone_placement(text, key):
    assert fold(text) == key


def test_normalize_composes_and_collapses_spaces():
    decomposed = "Ho\u0300a  Bi\u0300nh"
    assert normalize(decomposed) == "Hòa Bình"
    assert len(normalize(decomposed)) == len("Hòa Bình")
