"""Amounts in Chinese capital numerals (大写金额) as written on reimbursement forms and cheques.

    amount_in_words(Decimal("1234.50"))  -> "壹仟贰佰叁拾肆元伍角整"
    amount_in_words(Decimal("1005.07"))  -> "壹仟零伍元零柒分"
    amount_in_words(Decimal("100000"))   -> "壹拾万元整"

Rules: digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 within a group of four, groups 万 and 亿; a run of
zeros inside the integer part is written as one 零 (none at the end of a group or before 元);
"整" closes an amount without 分; with 元 and 分 but no 角 a 零 stands for the missing 角;
an amount below one yuan starts with its 角 or 分; zero is "零元整". Negative amounts get 负.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿", "万亿")


def _group(number: int) -> str:
    """0 < number < 10000, without leading or trailing zeros handling across groups."""
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[digit] + UNITS[position]
    return text


def _integer(number: int) -> str:
    if number == 0:
        return ""
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    if len(groups) > len(GROUPS):
        raise ValueError("amount too large")
    text = ""
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(text)
            continue
        if text and (need_zero or group < 1000):
            text += "零"
        text += _group(group) + GROUPS[index]
        need_zero = False
    return text


def amount_in_words(amount) -> str:
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "负" if value < 0 else ""
    value = abs(value)
    cents = int(value * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return "零元整"
    text = _integer(yuan)
    if text:
        text += "元"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen and text:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    else:
        text += "整"
    return sign + text


def words_to_amount(text: str) -> Decimal:
    """The inverse of ``amount_in_words`` (used to prove it in tests)."""
    sign = -1 if text.startswith("负") else 1
    text = text.lstrip("负").replace("整", "")
    total, section, number, digit = 0, 0, 0, 0
    cents = 0
    if "元" in text:
        integer_part, _sep, rest = text.partition("元")
    else:
        integer_part, rest = "", text
    big = {"万": 10**4, "亿": 10**8}
    small = {"拾": 10, "佰": 100, "仟": 1000}
    index = 0
    while index < len(integer_part):
        char = integer_part[index]
        if char in DIGITS:
            digit = DIGITS.index(char)
        elif char in small:
            section += digit * small[char]
            digit = 0
        elif char in big:
            unit = big[char]
            section += digit
            digit = 0
            if unit == 10**8:
                total = (total + section) * unit
            else:
                total += section * unit
            section = 0
        index += 1
    number = total + section + digit
    digit = 0
    for char in rest:
        if char in DIGITS:
            digit = DIGITS.index(char)
        elif char == "角":
            cents += digit * 10
            digit = 0
        elif char == "分":
            cents += digit
            digit = 0
    return sign * (Decimal(number) + Decimal(cents) / 100)
