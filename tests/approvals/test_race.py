"""Two approvers deciding the same step at the same moment give one outcome (row lock)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from whitewall.approvals import services
from whitewall.approvals.models import ApprovalRequest, RequestStatus, TimelineKind

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks (select_for_update) and concurrent writers need PostgreSQL; SQLite serialises writes"
        )


def _race(deciders, request):
    barrier = threading.Barrier(len(deciders))
    outcomes = {}

    def decide(user):
        from django.utils import translation

        translation.activate("en")
        try:
            barrier.wait()
            services.approval_decide(actor=user, request=request, decision="approve")
            outcomes[user.username] = "ok"
        except (ValidationError, PermissionDenied) as exc:
            outcomes[user.username] = f"refused: {exc}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(user,)) for user in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_approvers_of_an_any_tier_at_once_give_one_decision(org, use_flows):
    use_flows(
        [
            {
                "process": "finance.reimbursement",
                "tiers": [{"name": "F", "reviewers": [{"role": "finance_officer"}]}],
            }
        ]
    )
    claim = org.claim()
    request = services.approval_submit(actor=org.applicant, document=claim)
    for _attempt in range(5):
        outcomes = _race([org.finance1, org.finance2], request)
        assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
        refused = next(v for v in outcomes.values() if v != "ok")
        assert "no longer be decided" in refused or "already been completed" in refused, refused
        request.refresh_from_db()
        assert request.status == RequestStatus.APPROVED
        assert request.timeline.filter(kind=TimelineKind.APPROVED).count() == 1
        assert request.timeline.filter(kind=TimelineKind.FINISHED).count() == 1
        claim.refresh_from_db()
        assert claim.callbacks.count("approved") == 1
        # Next attempt on a fresh request.
        claim = org.claim(title=f"claim {_attempt}")
        request = services.approval_submit(actor=org.applicant, document=claim)


def test_two_approvers_of_an_all_tier_at_once_complete_it_once(org, use_flows):
    use_flows(
        [
            {
                "process": "finance.reimbursement",
                "tiers": [
                    {"name": "F", "reviewers": [{"role": "finance_officer"}], "mode": "all"},
                    {"name": "E", "reviewers": [{"role": "executive"}]},
                ],
            }
        ]
    )
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    outcomes = _race([org.finance1, org.finance2], request)
    assert set(outcomes.values()) == {"ok"}, outcomes
    request.refresh_from_db()
    assert request.current_tier == 1
    assert request.timeline.filter(kind=TimelineKind.TIER_STARTED, tier_index=1).count() == 1
    assert ApprovalRequest.objects.get(pk=request.pk).tasks.filter(tier_index=1).count() == 1
