"""Reports: weighted by the reporter's record, one per reporter and item, hiding at the threshold."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from whitewall.wall import ratelimit
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
    with f.policy_with(guest_reports=False), pytest.raises(PermissionDenied, match="turned off"):
        report_submit(actor=f.visitor(token="z" * 32), post=post, reason="spam")
    with pytest.raises(PermissionDenied, match="accept cookies"):
        report_submit(actor=f.visitor(token=""), post=post, reason="spam")  # a guest without the cookie


# --- guest reports ------------------------------------------------------------------------------------
def _guest(n: int, ip: str) -> f.Visitor:
    return f.visitor(token=f"guest-token-{n:02d}-" + "g" * 16, ip=ip)


@pytest.mark.django_db(transaction=True)
def test_guest_reports_weigh_the_guest_weight_and_count_towards_the_threshold():
    post = f.published()
    with f.policy_with(report_hide_threshold=1.5, guest_report_weight=0.5):
        first = report_submit(actor=_guest(1, "10.9.0.1"), post=post, reason="harassment")
        assert first.by_guest and first.reporter is None and first.weight == Decimal("0.50")
        assert first.reporter_key == _guest(1, "10.9.0.1").key  # the blind index of the guest cookie
        report_submit(actor=_guest(2, "10.9.0.2"), post=post, reason="illegal")
        post.refresh_from_db()
        assert post.hidden_at is None and post.report_score == Decimal("1.00")
        # A signed-in user with no history weighs more than a guest: 1 + 0.5 reaches 1.5.
        user_report = report_submit(actor=f.visitor(f.wall_user()), post=post, reason="illegal")
        assert not user_report.by_guest and user_report.weight == Decimal("1.00")
    post.refresh_from_db()
    assert post.hidden_at is not None and post.report_score == Decimal("2.00")


def test_a_guest_reports_an_item_once():
    post = f.published()
    guest = _guest(3, "10.9.1.1")
    report_submit(actor=guest, post=post, reason="spam")
    with pytest.raises(ValidationError, match="already reported"):
        report_submit(actor=_guest(3, "10.9.1.1"), post=post, reason="other")
    post.refresh_from_db()
    assert post.report_score == Decimal("0.50") and Report.objects.filter(post=post).count() == 1


def test_guest_reports_are_limited_per_guest_and_per_address():
    posts = [f.published() for _ in range(4)]
    with f.policy_with(reports_per_day_guest=2, reports_per_day_ip=3):
        guest = _guest(4, "10.9.2.1")
        report_submit(actor=guest, post=posts[0], reason="spam")
        report_submit(actor=guest, post=posts[1], reason="spam")
        with pytest.raises(ValidationError, match=r"allowed today \(2\)") as error:
            report_submit(actor=guest, post=posts[2], reason="spam")
        assert error.value.code == "rate_limited"
        # Another guest from the same address: the address's limit (3) ends it after one more.
        other = _guest(5, "10.9.2.1")
        report_submit(actor=other, post=posts[2], reason="spam")
        with pytest.raises(ValidationError, match=r"allowed today \(3\)"):
            report_submit(actor=other, post=posts[3], reason="spam")
        # From another address the second guest may go on.
        report_submit(actor=_guest(5, "10.9.2.2"), post=posts[3], reason="spam")
        # Lifting the address's limit lets a third guest from the first address report.
        ratelimit.reset("report:ip", "10.9.2.1", 24 * 3600)
        report_submit(actor=_guest(6, "10.9.2.1"), post=posts[3], reason="spam")
    assert Report.objects.filter(by_guest=True).count() == 5
