from whitewall.finance.views.budgets import *  # noqa: F401,F403
