"""Reports: weighted by the reporter's record, one per reporter and item, hiding at the threshold."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from whitewall.wall import testing as f
from whitewall.wall.cache import wall_version
from whitewall.wall.models import Report
from whitewall.wall.services.reports import report_submit, reporter_weight

pytestmark = pytest.mark.django_db


def test_reporter_weight_follows_the_reporters_record():
    reporter = f.wall_user()
    key = f.visitor(reporter).key
    assert reporter_weight(key) == Decimal("1.00")
    for _ in range(2):
        Report.objects.create(
            post=f.published(), reason="spam", reporter_key=key, status=Report.Status.UPHELD
        )
    assert reporter_weight(key) == Decimal("2.00")
    for _ in range(20):
        Report.objects.create(
            post=f.published(), reason="spam", reporter_key=key, status=Report.Status.DISMISSED
        )
    assert reporter_weight(key) == Decimal("0.25")  # clamped at the policy's minimum


def test_report_submit_once_per_reporter_and_item():
    post = f.published()
    reporter = f.wall_user()
    report_submit(actor=f.visitor(reporter), post=post, reason="spam")
    with pytest.raises(ValidationError, match="already reported"):
        report_submit(actor=f.visitor(reporter), post=post, reason="spam")
    post.refresh_from_db()
    assert post.report_score == Decimal("1.00")


@pytest.mark.django_db(transaction=True)
def test_report_submit_hides_at_the_threshold_and_bumps_the_cache_version():
    post = f.published()
    before = wall_version()
    with f.policy_with(report_hide_threshold=2.0):
        report_submit(actor=f.visitor(f.wall_user()), post=post, reason="harassment")
        post.refresh_from_db()
        assert post.hidden_at is None
        report_submit(actor=f.visitor(f.wall_user()), post=post, reason="privacy", detail="暴露了电话号码")
    post.refresh_from_db()
    assert post.hidden_at is not None and post.report_score == Decimal("2.00")
    assert wall_version() > before


def test_report_submit_a_comment_and_bad_input():
    post = f.published()
    comment = f.comment(post)
    report = report_submit(actor=f.visitor(f.wall_user()), comment=comment, reason="other")
    assert report.comment == comment and report.due_at
    with pytest.raises(ValidationError) as error:
        report_submit(actor=f.visitor(f.wall_user()), post=post, reason="bogus")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        report_submit(actor=f.visitor(token="z" * 32), post=post, reason="spam")
