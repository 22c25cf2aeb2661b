"""Clause 4.2.3 (audit logs, abnormal operations reviewed), checked from the records themselves."""

from django.urls import reverse
from django.utils.translation import gettext as _

from whitewall.audit.services import checkpoint_is_fresh, problem_label, unreviewed_anomalies, verify_chain
from whitewall.config.policy import get_policy
from whitewall.regulation.checks import CheckResult, Status, clause_check


@clause_check("4.2.3")
def audit_trail_intact_and_reviewed() -> CheckResult:
    result = verify_chain()
    list_url = reverse("audit:auditevent_list")
    figures = {"events": result.count, "last_seq": result.last_seq}
    if not result.ok:
        problem = result.first_problem
        return CheckResult(
            Status.RED,
            _("The audit chain is broken at event #%(seq)d: %(problem)s.")
            % {"seq": problem.seq, "problem": problem_label(problem.kind)},
            evidence_url=f"{list_url}?seq_from={problem.seq}",
            figures={**figures, "problems": len(result.problems)},
        )
    if not checkpoint_is_fresh(result.checkpoint):
        return CheckResult(
            Status.AMBER,
            _(
                "The audit chain verifies (%(count)d events), but no signed checkpoint was written in the "
                "last %(minutes)d minutes: is the job queue running?"
            )
            % {"count": result.count, "minutes": 2 * get_policy().audit.checkpoint_minutes},
            evidence_url=list_url,
            figures=figures,
        )
    pending = unreviewed_anomalies().count()
    if pending:
        return CheckResult(
            Status.AMBER,
            _("The audit chain verifies, but %(count)d security event(s) have not been reviewed yet.")
            % {"count": pending},
            evidence_url=reverse("audit:auditevent_anomalies"),
            figures={**figures, "unreviewed": pending},
        )
    return CheckResult(
        Status.GREEN,
        _(
            "The audit chain of %(count)d events verifies, the latest signed checkpoint is recent, and "
            "every security event has been reviewed."
        )
        % {"count": result.count},
        evidence_url=list_url,
        figures=figures,
    )
