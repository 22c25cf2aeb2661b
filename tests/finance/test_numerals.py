"""Amounts in Chinese capital numerals (大写金额)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whitewall.finance.numerals import amount_in_words, words_to_amount


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1234.50", "壹仟贰佰叁拾肆元伍角整"),
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("1005.07", "壹仟零伍元零柒分"),
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角整"),
        ("10", "壹拾元整"),
        ("110", "壹佰壹拾元整"),
        ("1010", "壹仟零壹拾元整"),
        ("10001", "壹万零壹元整"),
        ("100000", "壹拾万元整"),
        ("100050", "壹拾万零伍拾元整"),
        ("60036000", "陆仟零叁万陆仟元整"),
        ("200000.01", "贰拾万元零壹分"),
        ("100001000", "壹亿零壹仟元整"),
        ("1000010000", "壹拾亿零壹万元整"),
        ("123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
        ("-12.30", "负壹拾贰元叁角整"),
    ],
)
def test_amount_in_words_known_cases(amount, words):
    assert amount_in_words(Decimal(amount)) == words


amounts = st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False)


@given(amounts)
def test_amount_in_words_reads_back_to_the_same_amount(amount):
    assert words_to_amount(amount_in_words(amount)) == amount


@given(amounts)
def test_amount_in_words_follows_the_form_rules(amount):
    words = amount_in_words(amount)
    assert "零零" not in words  # one 零 for a run of zeros
    assert not words.startswith("零") or words == "零元整"
    assert "零元" not in words or words == "零元整"  # no 零 right before 元
    assert words.endswith("整") == (amount * 100 % 10 == 0)  # 整 exactly when there is no 分
    assert "零整" not in words and "零角" not in words and "零分" not in words
