"""The review queue's services: each decision, the lock, second review, resubmission, bulk."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from whitewall.approvals.models import ApprovalRequest, RequestStatus
from whitewall.approvals.services import approval_decide
from whitewall.audit.models import AuditEvent
from whitewall.notifications.models import Notification
from whitewall.wall.models import Comment, Post
from whitewall.wall.services import review

pytestmark = pytest.mark.django_db


def _events(obj):
    return AuditEvent.objects.filter(object_type="wall.post", object_id=str(obj.pk), action="update")


def test_post_approve_stages_the_post_and_records_the_reviewer(wall, django_capture_on_commit_callbacks):
    post = wall.post()
    with django_capture_on_commit_callbacks(execute=True):
        review.post_approve(actor=wall.reviewer, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED and post.scheduled_for is not None  # staged at once
    assert post.reviewed_by == wall.reviewer
    assert post.reviewed_at is not None
    assert post.locked_by is None
    # The decision is the reviewer's (staging the post for its slot is the system's own write).
    assert _events(post).filter(actor_id=wall.reviewer.pk, action="update").exists()
    assert Notification.objects.filter(recipient=wall.author, kind="wall.review_decided").exists()


def test_post_approve_without_the_review_permission_is_refused(wall):
    post = wall.post()
    with pytest.raises(PermissionDenied):
        review.post_approve(actor=wall.outsider, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.PENDING


def test_post_approve_of_a_post_already_decided_is_refused(wall):
    post = wall.post(status="rejected")
    with pytest.raises(ValidationError, match="no longer waits for review"):
        review.post_approve(actor=wall.reviewer, post=post)


def test_post_reject_needs_a_reason_from_the_list(wall):
    post = wall.post()
    with pytest.raises(ValidationError) as caught:
        review.post_reject(actor=wall.reviewer, post=post, reason="because")
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        review.post_reject(actor=wall.reviewer, post=post, reason="other", note=" ")
    assert "note" in caught.value.message_dict
    post.refresh_from_db()
    assert post.status == Post.Status.PENDING


def test_post_reject_records_reason_and_note_for_the_author(wall, django_capture_on_commit_callbacks):
    post = wall.post(anonymous=True)
    with django_capture_on_commit_callbacks(execute=True):
        review.post_reject(actor=wall.reviewer, post=post, reason="advertising", note="请勿发布广告。")
    post.refresh_from_db()
    assert (post.status, post.reject_reason, post.reject_note) == (
        "rejected",
        "advertising",
        "请勿发布广告。",
    )
    # The anonymous author is still told (found through the encrypted identity, never shown).
    note = Notification.objects.get(recipient=wall.author, kind="wall.review_decided")
    assert "Advertising" in note.title


def test_post_send_back_needs_a_note_and_lets_the_author_resubmit(wall):
    post = wall.post()
    with pytest.raises(ValidationError) as caught:
        review.post_send_back(actor=wall.reviewer, post=post, note="")
    assert "note" in caught.value.message_dict
    review.post_send_back(actor=wall.reviewer, post=post, note="请删除电话号码。")
    post.refresh_from_db()
    assert post.status == Post.Status.SENT_BACK and post.reject_note == "请删除电话号码。"
    review.post_resubmit(actor=wall.author, post=post, title="新标题", body="改好了，去掉了电话号码。")
    post.refresh_from_db()
    assert post.status == Post.Status.PENDING
    assert post.body == "改好了，去掉了电话号码。"
    assert post.queue_reason == "Resubmitted after editing"


def test_post_resubmit_only_by_the_author_and_only_when_sent_back(wall):
    post = wall.post(status="sent_back")
    with pytest.raises(PermissionDenied):
        review.post_resubmit(actor=wall.reporter, post=post, title="", body="别人的修改")
    pending = wall.post()
    with pytest.raises(ValidationError) as caught:
        review.post_resubmit(actor=wall.author, post=pending, title="", body="改")
    assert "status" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        review.post_resubmit(actor=wall.author, post=post, title="", body="  ")
    assert "body" in caught.value.message_dict


def test_review_lock_take_refuses_a_second_reviewer_and_names_the_holder(wall):
    post = wall.post()
    review.review_lock_take(actor=wall.reviewer, item=post)
    with pytest.raises(ValidationError, match="Reviewer1 is reviewing this post"):
        review.review_lock_take(actor=wall.reviewer2, item=post)
    # A decision by someone not holding the lock is refused too.
    with pytest.raises(ValidationError, match="is reviewing"):
        review.post_approve(actor=wall.reviewer2, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.PENDING and post.locked_by == wall.reviewer


def test_review_lock_expires(wall):
    post = wall.post()
    review.review_lock_take(actor=wall.reviewer, item=post)
    Post.objects.filter(pk=post.pk).update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    review.post_approve(actor=wall.reviewer2, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED and post.reviewed_by == wall.reviewer2


def test_review_lock_release_lets_another_reviewer_in(wall):
    post = wall.post()
    review.review_lock_take(actor=wall.reviewer, item=post)
    assert not review.review_lock_release(actor=wall.reviewer2, item=post)
    assert review.review_lock_release(actor=wall.reviewer, item=post)
    review.review_lock_take(actor=wall.reviewer2, item=post)


def test_post_approve_in_a_second_review_topic_goes_through_the_approval_engine(wall):
    post = wall.post(topic=wall.safety)
    review.post_approve(actor=wall.reviewer, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.SECOND_REVIEW
    request = ApprovalRequest.objects.get(process="wall.second_review", object_id=post.pk)
    assert request.status == RequestStatus.PENDING
    # The first reviewer cannot approve their own request; another reviewer can.
    with pytest.raises(PermissionDenied):
        approval_decide(actor=wall.reviewer, request=request, decision="approve")
    approval_decide(actor=wall.reviewer2, request=request, decision="approve")
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED
    assert post.reviewed_by == wall.reviewer


def test_a_rejection_at_the_second_review_rejects_the_post(wall):
    post = wall.post()
    review.post_escalate(actor=wall.reviewer, post=post, note="涉及学校安全，请再看一下。")
    post.refresh_from_db()
    assert post.status == Post.Status.SECOND_REVIEW
    request = ApprovalRequest.objects.get(process="wall.second_review", object_id=post.pk)
    approval_decide(actor=wall.manager, request=request, decision="reject", comment="内容不实。")
    post.refresh_from_db()
    assert (post.status, post.reject_reason, post.reject_note) == ("rejected", "other", "内容不实。")


def test_a_send_back_at_the_second_review_returns_the_post_to_its_author(wall):
    post = wall.post(topic=wall.safety)
    review.post_approve(actor=wall.reviewer, post=post)
    request = ApprovalRequest.objects.get(process="wall.second_review", object_id=post.pk)
    approval_decide(actor=wall.reviewer2, request=request, decision="send_back", comment="请补充地点。")
    post.refresh_from_db()
    assert (post.status, post.reject_note) == ("sent_back", "请补充地点。")


def test_comment_approve_publishes_and_counts_it(wall):
    comment = wall.comment()
    review.comment_approve(actor=wall.reviewer, comment=comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED and comment.published_at is not None
    assert Post.objects.get(pk=comment.post_id).comment_count == 1


def test_comment_reject(wall):
    comment = wall.comment()
    review.comment_reject(actor=wall.reviewer, comment=comment, reason="harassment", note="人身攻击")
    comment.refresh_from_db()
    assert (comment.status, comment.reject_reason) == ("rejected", "harassment")
    assert Post.objects.get(pk=comment.post_id).comment_count == 0


def test_review_bulk_decides_each_and_reports_refusals(wall):
    free, held = wall.post(), wall.post()
    review.review_lock_take(actor=wall.reviewer2, item=held)
    outcome = review.review_bulk(actor=wall.reviewer, items=[free, held], decision="approve")
    assert outcome.done == [free]
    assert [item for item, _reason in outcome.refused] == [held]
    assert Post.objects.get(pk=free.pk).status == "scheduled"
    assert Post.objects.get(pk=held.pk).status == "pending"


def test_review_bulk_reject_needs_a_reason(wall):
    with pytest.raises(ValidationError):
        review.review_bulk(actor=wall.reviewer, items=[wall.post()], decision="reject")


def test_review_keep_clears_the_flag_and_unhides(wall):
    post = wall.post(
        status="published", published_at=timezone.now(), flagged_at=timezone.now(), hidden_at=timezone.now()
    )
    review.review_keep(actor=wall.reviewer, item=post)
    post.refresh_from_db()
    assert post.flagged_at is None and post.hidden_at is None and post.reviewed_by == wall.reviewer


def test_staff_posts_in_approval_never_reach_the_review_queue(wall, client):
    from django.urls import reverse

    staff_post = wall.post(source=Post.Source.STAFF)  # pending in its approval request
    client.force_login(wall.reviewer)
    assert staff_post.title not in client.get(reverse("wall:review_list")).content.decode()
    with pytest.raises(ValidationError) as caught:
        review.post_approve(actor=wall.reviewer, post=staff_post)
    assert "source" in caught.value.message_dict
    staff_post.refresh_from_db()
    assert staff_post.status == Post.Status.PENDING and staff_post.reviewed_by is None
