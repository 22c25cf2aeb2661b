"""Money display: Decimal amounts in yuan, shown as ¥1,234.56 (negative as -¥1,234.56)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def format_money(value) -> str:
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"
