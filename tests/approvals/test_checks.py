"""Clause 1.3.3: approval turnaround against the policy target; never green while ticket
resolution (service desk) is not measured."""

import datetime

import pytest
from django.utils import timezone

from whitewall.approvals.models import ApprovalRequest, RequestStatus
from whitewall.regulation.checks import Status, registered_codes, run_check

pytestmark = pytest.mark.django_db


def _finished(org, hours, days_ago=1):
    finished = timezone.now() - datetime.timedelta(days=days_ago)
    claim = org.claim(title=f"c{hours}-{days_ago}")
    return ApprovalRequest.objects.create(
        content_type_id=__import__("django.contrib.contenttypes.models", fromlist=["ContentType"])
        .ContentType.objects.get_for_model(claim)
        .pk,
        object_id=claim.pk,
        title=claim.title,
        process="finance.reimbursement",
        status=RequestStatus.APPROVED,
        submitted_by=org.applicant,
        submitted_at=finished - datetime.timedelta(hours=hours),
        finished_at=finished,
    )


def test_1_3_3_is_registered():
    assert "1.3.3" in registered_codes()


def test_1_3_3_amber_without_finished_approvals(org):
    result = run_check("1.3.3")
    assert result.status == Status.AMBER
    assert "cannot be measured yet" in result.explanation
    assert "service desk" in result.explanation


def test_1_3_3_amber_within_target_naming_what_is_missing(org):
    for hours in (2, 10, 30):
        _finished(org, hours)
    _finished(org, 500, days_ago=120)  # outside the 90-day window
    result = run_check("1.3.3")
    assert result.status == Status.AMBER
    assert result.figures["median_hours"] == 10.0
    assert result.figures["finished_approvals"] == 3
    assert "service desk" in result.explanation


def test_1_3_3_red_above_target(org):
    for hours in (50, 60, 70):
        _finished(org, hours)
    result = run_check("1.3.3")
    assert result.status == Status.RED
    assert result.figures["median_hours"] == 60.0
