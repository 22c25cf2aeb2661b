"""Demo finance data: this year's budgets for every department, adjustments, claims."""

from __future__ import annotations


def seed_finance() -> str:
    from whitewall.finance.demo_budgets import seed_budgets

    return seed_budgets()
