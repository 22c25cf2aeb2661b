"""Clause checks carried out by the approval engine."""

from __future__ import annotations

import datetime
import statistics

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.approvals.models import FINISHED, ApprovalRequest
from whitewall.config.policy import get_policy
from whitewall.regulation.checks import CheckResult, Status, clause_check

WINDOW_DAYS = 90


def approval_turnaround_hours(days: int = WINDOW_DAYS) -> list[float]:
    """Hours from (last) submission to the final decision of requests finished in the window."""
    since = timezone.now() - datetime.timedelta(days=days)
    rows = ApprovalRequest.objects.filter(
        status__in=FINISHED, finished_at__gte=since, submitted_at__isnull=False
    ).values_list("submitted_at", "finished_at")
    return [(finished - submitted).total_seconds() / 3600 for submitted, finished in rows]


@clause_check("1.3.3")
def efficiency() -> CheckResult:
    """1.3.3 Efficiency: median approval turnaround within the policy target (ticket resolution to come)."""
    target = get_policy().regulation.approval_turnaround_target_hours
    hours = approval_turnaround_hours()
    evidence = reverse("approvals:approvalrequest_list") + "?status=approved"
    missing = _("Ticket resolution times are not measured yet: the service desk is not built.")
    if not hours:
        return CheckResult(
            Status.AMBER,
            _("No approval has finished in the last %(days)d days, so turnaround cannot be measured yet.")
            % {"days": WINDOW_DAYS}
            + " "
            + missing,
            evidence_url=evidence,
            figures={"finished_approvals": 0, "target_hours": target},
        )
    median = statistics.median(hours)
    figures = {"finished_approvals": len(hours), "median_hours": round(median, 1), "target_hours": target}
    summary = _(
        "Median approval turnaround over the last %(days)d days: %(median).1f h for %(count)d approvals "
        "(target %(target)d h)."
    ) % {"days": WINDOW_DAYS, "median": median, "count": len(hours), "target": target}
    if median > target:
        return CheckResult(Status.RED, summary, evidence_url=evidence, figures=figures)
    # Within target, but the clause also needs ticket resolution metrics: never green yet.
    return CheckResult(Status.AMBER, summary + " " + missing, evidence_url=evidence, figures=figures)
