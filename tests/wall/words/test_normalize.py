"""Normalisation: traditional → simplified, widths, case, noise, emoji, combining marks; offsets."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whitewall.wall.screening.normalize import kept_positions, normalize, to_original


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("傳銷", "传销"),  # traditional → simplified (OpenCC)
        ("傳 销", "传销"),  # mixed, with a space
        ("传*销", "传销"),
        ("传.销_-传", "传销传"),
        ("传\u200b销", "传销"),  # zero-width space
        ("传\u200d\ufeff销", "传销"),  # zero-width joiner, BOM
        ("ｃａｓｉｎｏ", "casino"),  # full width → half width
        ("ＣＡＳＩＮＯ", "casino"),  # full width upper case
        ("C-a-s-i-n-o", "casino"),
        ("CaSiNo", "casino"),
        ("传🔥销", "传销"),  # emoji are noise
        ("传\ufe0f销", "传销"),  # variation selector
        ("c\u0336a\u0336s\u0336i\u0336n\u0336o\u0336", "casino"),  # combining strike-through
        ("café", "cafe"),  # precomposed accent
        ("cafe\u0301", "cafe"),  # combining accent
        ("１２３４５", "12345"),  # full-width digits
        ("传，销。", "传销"),  # CJK punctuation
        ("「传」『销』", "传销"),
        ("", ""),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_long_and_short_texts_normalise_alike():
    # Short texts go through str.translate, long ones through the lookup array: same table.
    sample = "傳 銷、ｃａｓｉｎｏ！C-a-s-i-n-o 😀 café\u200b一二三"
    assert normalize(sample * 20) == normalize(sample) * 20


def test_lone_surrogate_is_dropped_not_an_error():
    assert normalize("传\ud800销" * 30) == "传销" * 30


def test_kept_positions_map_back_to_original():
    original = "请 傳*銷 联系"
    normalized = normalize(original)
    assert normalized == "请传销联系"
    positions = kept_positions(original)
    start = normalized.index("传销")
    span = to_original(positions, start, start + 2)
    assert original[span[0] : span[1]] == "傳*銷"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_every_normalised_character_comes_from_one_original_character(text):
    normalized = normalize(text)
    positions = kept_positions(text)
    assert len(positions) == len(normalized)
    for k, char in enumerate(normalized):
        assert normalize(text[positions[k]]) == char
