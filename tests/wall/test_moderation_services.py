"""Moderation services: take-down, authors' take-down requests, reports, feedback and complaints."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from whitewall.notifications.models import Notification
from whitewall.wall.cache import WALL_VERSION_KEY, wall_version
from whitewall.wall.models import Comment, Feedback, Post, Report
from whitewall.wall.services import moderation

pytestmark = pytest.mark.django_db


def _published(wall, **extra):
    return wall.post(status="published", published_at=timezone.now(), **extra)


def test_post_take_down_records_reason_notifies_and_bumps_the_cache(wall, django_capture_on_commit_callbacks):
    post = _published(wall)
    before = wall_version()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.post_take_down(actor=wall.manager, post=post, reason="违反社区规定")
    post.refresh_from_db()
    assert (post.status, post.taken_down_by, post.takedown_reason) == (
        "taken_down",
        wall.manager,
        "违反社区规定",
    )
    assert cache.get(WALL_VERSION_KEY) > before
    assert Notification.objects.filter(recipient=wall.author, kind="wall.taken_down").exists()


def test_post_take_down_needs_permission_and_a_reason(wall):
    post = _published(wall)
    with pytest.raises(PermissionDenied):
        moderation.post_take_down(actor=wall.reviewer, post=post, reason="x")
    with pytest.raises(ValidationError) as caught:
        moderation.post_take_down(actor=wall.manager, post=post, reason="")
    assert "reason" in caught.value.message_dict
    assert Post.objects.get(pk=post.pk).status == "published"


def test_comment_take_down_lowers_the_comment_count(wall):
    post = _published(wall, comment_count=1)
    comment = wall.comment(post, status="published", published_at=timezone.now())
    moderation.comment_take_down(actor=wall.manager, comment=comment, reason="人身攻击")
    assert Comment.objects.get(pk=comment.pk).status == "taken_down"
    assert Post.objects.get(pk=post.pk).comment_count == 0


def test_takedown_request_approve_and_decline(wall, django_capture_on_commit_callbacks):
    asked = _published(wall, takedown_requested_at=timezone.now(), takedown_request_reason="已经卖掉了")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.takedown_request_approve(actor=wall.manager, post=asked)
    asked.refresh_from_db()
    assert asked.status == "taken_down" and "已经卖掉了" in asked.takedown_reason
    assert asked.takedown_requested_at is None
    other = _published(wall, takedown_requested_at=timezone.now(), takedown_request_reason="不想要了")
    with pytest.raises(ValidationError) as caught:
        moderation.takedown_request_decline(actor=wall.manager, post=other, note="")
    assert "note" in caught.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        moderation.takedown_request_decline(actor=wall.manager, post=other, note="内容对其他同学有帮助")
    other.refresh_from_db()
    assert other.status == "published" and other.takedown_requested_at is None
    assert (
        Notification.objects.filter(recipient=wall.author, kind="wall.takedown_request_decided").count() == 2
    )
    with pytest.raises(ValidationError):
        moderation.takedown_request_approve(actor=wall.manager, post=other)


def test_report_uphold_takes_the_item_down_and_raises_reporter_weight(
    wall, django_capture_on_commit_callbacks
):
    post = _published(wall, report_score=Decimal("2"))
    first = wall.report(post=post)
    wall.report(post=post, reporter=wall.author)
    key = first.reporter_key
    assert moderation.reporter_weight(key) == Decimal("1.00")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.report_uphold(actor=wall.reviewer, report=first, note="确认是广告")
    post.refresh_from_db()
    assert post.status == "taken_down" and post.report_score == 0
    assert set(Report.objects.filter(post=post).values_list("status", flat=True)) == {"upheld"}
    assert Report.objects.get(pk=first.pk).handled_by == wall.reviewer
    assert moderation.reporter_weight(key) == Decimal("1.50")
    assert Notification.objects.filter(recipient=wall.reporter, kind="wall.report_handled").exists()
    with pytest.raises(ValidationError, match="already been handled"):
        moderation.report_uphold(actor=wall.reviewer, report=first)


def test_report_dismiss_unhides_below_threshold_and_lowers_weight(wall):
    post = _published(wall, report_score=Decimal("3"), hidden_at=timezone.now())
    report = wall.report(post=post, weight="3.00")
    with pytest.raises(ValidationError) as caught:
        moderation.report_dismiss(actor=wall.reviewer, report=report, note="")
    assert "note" in caught.value.message_dict
    moderation.report_dismiss(actor=wall.reviewer, report=report, note="正常的二手信息")
    post.refresh_from_db()
    assert post.hidden_at is None and post.report_score == 0 and post.status == "published"
    assert moderation.reporter_weight(report.reporter_key) == Decimal("0.75")


def test_report_handling_needs_permission(wall):
    report = wall.report(post=_published(wall))
    with pytest.raises(PermissionDenied):
        moderation.report_uphold(actor=wall.operator, report=report)
    assert Report.objects.get(pk=report.pk).status == "open"


def test_reporter_weight_stays_within_the_policy_bounds(wall):
    post = _published(wall)
    for _index in range(10):
        wall.report(post=wall.post(status="published"), status="upheld")
    assert moderation.reporter_weight(wall.report(post=post).reporter_key) == Decimal("3.00")


def test_feedback_reply_and_close(wall, django_capture_on_commit_callbacks):
    feedback = wall.feedback()
    with pytest.raises(ValidationError) as caught:
        moderation.feedback_close(actor=wall.operator, feedback=feedback, resolution="explained")
    assert "reply" in caught.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        moderation.feedback_reply(actor=wall.operator, feedback=feedback, reply="已经核实，原因是包含广告。")
    feedback.refresh_from_db()
    assert feedback.status == "answered" and feedback.replied_by == wall.operator and feedback.replied_at
    assert Notification.objects.filter(recipient=wall.author, kind="wall.feedback_replied").exists()
    with pytest.raises(ValidationError) as caught:
        moderation.feedback_close(actor=wall.operator, feedback=feedback, resolution="nonsense")
    assert "resolution" in caught.value.message_dict
    moderation.feedback_close(actor=wall.operator, feedback=feedback, resolution="explained")
    feedback.refresh_from_db()
    assert (feedback.status, feedback.resolution) == ("closed", "explained")
    with pytest.raises(ValidationError):
        moderation.feedback_reply(actor=wall.operator, feedback=feedback, reply="再说一次")


def test_feedback_reply_needs_permission_and_text(wall):
    feedback = wall.feedback()
    with pytest.raises(PermissionDenied):
        moderation.feedback_reply(actor=wall.outsider, feedback=feedback, reply="好的")
    with pytest.raises(ValidationError) as caught:
        moderation.feedback_reply(actor=wall.operator, feedback=feedback, reply=" ")
    assert "reply" in caught.value.message_dict
    assert Feedback.objects.get(pk=feedback.pk).status == "open"
