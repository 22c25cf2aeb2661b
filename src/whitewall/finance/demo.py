"""Demo finance data: this year's budgets for every department, adjustments, about 200 claims."""

from __future__ import annotations


def seed_finance() -> str:
    from whitewall.audit.services import batch
    from whitewall.finance.models import Budget

    if Budget.objects.exists():
        return "already present"
    from whitewall.finance.demo_budgets import seed_budgets
    from whitewall.finance.demo_claims import seed_claims

    # The demo writes thousands of audited rows through the real services; their events join the
    # audit chain together at the end (the same events, in the same order) instead of one chain
    # lookup and insert each.
    with batch():
        return f"{seed_budgets()}; {seed_claims()}"
