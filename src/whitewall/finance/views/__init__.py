from whitewall.finance.views.budgets import *  # noqa: F401,F403
from whitewall.finance.views.claims import *  # noqa: F401,F403,E402
