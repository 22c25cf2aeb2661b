"""The monthly cost report job (5.3.1): on the 1st, last month's report with its frozen figures.

Exactly once per month: the run claims its slot like every periodic task, and the report's month is
unique, so a second consumer (or a re-run) finds the report and creates nothing.
"""

from django.utils.translation import gettext_lazy as _

from whitewall.core.jobs import periodic


def cost_report_monthly() -> dict:
    from whitewall.finance.services.costs import cost_report_generate

    report, created = cost_report_generate()
    return {"report": report.pk, "month": report.month.isoformat(), "created": created}


cost_report_monthly_task = periodic(
    "finance.cost_report_monthly",
    label=_("Monthly cost report"),
    description=_("On the 1st, creates last month's cost analysis report with its figures."),
    minute="20",
    hour="1",
    day="1",
)(cost_report_monthly)
