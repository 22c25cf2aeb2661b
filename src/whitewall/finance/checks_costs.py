"""Live checks of 5.3.1 (cost analysis) and 5.3.2 (cost saving) on the regulation board."""

from __future__ import annotations

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.config.policy import get_policy
from whitewall.finance import analysis
from whitewall.finance.models import (
    BudgetLine,
    CostReport,
    CostReportStatus,
    FiscalYear,
    SavingMeasure,
    SavingStatus,
)
from whitewall.regulation.checks import CheckResult, Status, clause_check


@clause_check("5.3.1")
def monthly_cost_analysis_published() -> CheckResult:
    today = timezone.localdate()
    last = analysis.add_months(today.replace(day=1), -1)
    url = reverse("finance:costreport_list")
    due_day = get_policy().costs.report_publish_by_day
    report = CostReport.objects.filter(month=last).first()
    before = CostReport.objects.filter(month=analysis.add_months(last, -1)).first()
    ledger = BudgetLine.objects.filter(fiscal_year__start_date__lte=today, fiscal_year__end_date__gte=today)
    latest = ledger.aggregate(latest=Max("updated"))["latest"]
    figures = {
        "month": last.strftime("%Y-%m"),
        "report": report.get_status_display() if report else None,
        "published_reports": CostReport.objects.filter(status=CostReportStatus.PUBLISHED).count(),
        "ledger_lines": ledger.count(),
        "ledger_updated": latest.isoformat(timespec="minutes") if latest else None,
    }
    if not FiscalYear.objects.filter(start_date__lte=today, end_date__gte=today).exists():
        return CheckResult(
            Status.RED, _("No fiscal year covers today: there is nothing to analyse."), url, figures
        )
    if not figures["ledger_lines"]:
        return CheckResult(
            Status.RED,
            _("The budget ledger of this year is empty: the dashboards show nothing."),
            url,
            figures,
        )
    month = last.strftime("%Y-%m")
    if report is not None and report.status == CostReportStatus.PUBLISHED:
        return CheckResult(
            Status.GREEN,
            _(
                "The cost analysis of %(month)s is published (%(date)s); the dashboards read the live "
                "ledger, last moved %(moved)s."
            )
            % {
                "month": month,
                "date": timezone.localtime(report.published_at).strftime("%Y-%m-%d"),
                "moved": timezone.localtime(latest).strftime("%Y-%m-%d %H:%M") if latest else "—",
            },
            report.get_absolute_url(),
            figures,
        )
    if today.day <= due_day and (before is None or before.status == CostReportStatus.PUBLISHED):
        return CheckResult(
            Status.AMBER,
            _("The cost analysis of %(month)s is due by day %(day)s of this month; it is %(state)s.")
            % {
                "month": month,
                "day": due_day,
                "state": report.get_status_display() if report else _("not created yet"),
            },
            report.get_absolute_url() if report else url,
            figures,
        )
    return CheckResult(
        Status.RED,
        _("The cost analysis of %(month)s is not published (%(state)s).")
        % {"month": month, "state": report.get_status_display() if report else _("no report")},
        report.get_absolute_url() if report else url,
        figures,
    )


@clause_check("5.3.2")
def saving_measures_with_measured_effect() -> CheckResult:
    today = timezone.localdate()
    url = reverse("finance:savingmeasure_list")
    year_ago = (
        today.replace(year=today.year - 1)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year - 1, day=28)
    )
    measures = list(
        SavingMeasure.objects.filter(
            Q(status=SavingStatus.ACTIVE) | Q(status=SavingStatus.COMPLETED, end_date__gte=year_ago)
        )
    )
    effects = analysis.measure_effects(measures, today=today)
    measured = [m for m in measures if effects[m.pk]["state"] != "pending"]
    missed = [m for m in measured if effects[m.pk]["state"] == "missed"]
    figures = {
        "measures": len(measures),
        "measured": len(measured),
        "targets_missed": len(missed),
        "monthly_saving": str(sum((effects[m.pk]["effect"] for m in measured), 0)),
    }
    if not measures:
        return CheckResult(
            Status.RED, _("No saving measure is active or was completed in the last year."), url, figures
        )
    if not measured:
        return CheckResult(
            Status.AMBER,
            _(
                "%(count)d saving measures, none with a measured effect yet (no complete month or no baseline)."
            )
            % {"count": len(measures)},
            url,
            figures,
        )
    if missed:
        return CheckResult(
            Status.AMBER,
            _(
                "%(measured)d of %(count)d saving measures have a measured effect; %(missed)d miss their target."
            )
            % {"measured": len(measured), "count": len(measures), "missed": len(missed)},
            url,
            figures,
        )
    if len(measured) < len(measures):
        return CheckResult(
            Status.AMBER,
            _("%(measured)d of %(count)d saving measures have a measured effect, all on target.")
            % {"measured": len(measured), "count": len(measures)},
            url,
            figures,
        )
    return CheckResult(
        Status.GREEN,
        _("All %(count)d saving measures have a measured effect and meet their target.")
        % {"count": len(measures)},
        url,
        figures,
    )
