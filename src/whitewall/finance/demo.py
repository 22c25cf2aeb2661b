"""Demo finance data: this year's budgets for every department, adjustments, about 200 claims."""

from __future__ import annotations


def seed_finance() -> str:
    from whitewall.finance.models import Budget

    if Budget.objects.exists():
        return "already present"
    from whitewall.finance.demo_budgets import seed_budgets
    from whitewall.finance.demo_claims import seed_claims

    return f"{seed_budgets()}; {seed_claims()}"
