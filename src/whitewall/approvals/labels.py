"""What people read instead of the policy file's codes: process names and the shipped tier names.

The policy file names processes by code (``finance.reimbursement``) and tiers in English. The
console shows the label of a known process, and a tier name through the translation catalogue, so
the shipped names appear in the reader's language; names an organisation writes itself (in any
language) are shown as written.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

PROCESS_LABELS = {
    "finance.reimbursement": _("Reimbursement claim"),
    "finance.budget": _("Annual budget"),
    "finance.budget_adjustment": _("Budget adjustment"),
    "finance.purchase": _("Purchase request"),
    "wall.post": _("Staff post"),
    "wall.second_review": _("Second review"),
    "projects.plan": _("Project plan"),
    "people.offer": _("Job offer"),
    "people.promotion": _("Promotion"),
}

# The tier names of the shipped policy file (config/policy.default.toml), for the catalogue.
SHIPPED_TIER_NAMES = (
    gettext_noop("Department head"),
    gettext_noop("Finance officer (above 1,000)"),
    gettext_noop("Executive (above 10,000)"),
    gettext_noop("Executive (exception to a standard)"),
    gettext_noop("Finance"),
    gettext_noop("Executive"),
    gettext_noop("Finance officer (above 5,000)"),
    gettext_noop("Executive (above 50,000)"),
    gettext_noop("Operations manager"),
    gettext_noop("Second reviewer"),
    gettext_noop("Departments concerned (countersign)"),
    gettext_noop("HR"),
    gettext_noop("Manager"),
    gettext_noop("HR and executive (countersign)"),
)


def process_label(process: str) -> str:
    """The label of a process code; an unknown code is shown as it is."""
    return str(PROCESS_LABELS.get(process, process))


def tier_label(name: str) -> str:
    """A tier name in the reader's language when the catalogue knows it."""
    return gettext(name) if name else name
