"""Finance services: ``<entity>_<verb>(*, actor, ...)``; the ledger movements live in
``finance.control`` and are re-exported here."""

from whitewall.finance.control import (  # noqa: F401
    BudgetCheck,
    budget_actualize,
    budget_check,
    budget_commit,
    budget_record_actual,
    budget_release,
)
from whitewall.finance.services.budgets import *  # noqa: F401,F403
from whitewall.finance.services.claims import *  # noqa: F401,F403,E402
from whitewall.finance.services.costs import *  # noqa: F401,F403,E402
from whitewall.finance.services.purchases import *  # noqa: F401,F403,E402
