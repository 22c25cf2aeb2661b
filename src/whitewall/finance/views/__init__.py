from whitewall.finance.views.analysis import *  # noqa: F401,F403,E402
from whitewall.finance.views.budgets import *  # noqa: F401,F403
from whitewall.finance.views.claims import *  # noqa: F401,F403,E402
from whitewall.finance.views.costs import *  # noqa: F401,F403,E402
from whitewall.finance.views.purchases import *  # noqa: F401,F403,E402
