"""Console pages of content operations: the review queue, item pages with the lock, decisions,
bulk actions, reports, feedback, take-down requests, and the author's resubmission page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from whitewall.core.testing import login
from whitewall.core.testing.queries import assert_query_baseline
from whitewall.wall.models import Comment, Feedback, Post, Report

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


def test_review_queue_shows_pending_posts_oldest_first_with_hits_highlighted(wall):
    newer = wall.post(body="新的帖子", hours=1)
    older = wall.post(
        body="专业代考，四六级包过",
        hours=30,
        queue_reason="敏感词命中",
        screening_action="review",
        screening_hits=[{"word": "代考", "list_name": "广告", "action": "review", "start": 2, "end": 4}],
        anonymous=True,
    )
    client = client_for(wall.reviewer)
    client.get(reverse("wall:review_list"))  # the session's first refresh is written once
    response = assert_query_baseline("wall.review.queue", lambda: client.get(reverse("wall:review_list")))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index(f"/review/posts/{older.pk}/") < content.index(f"/review/posts/{newer.pk}/")
    assert '<mark class="ww-hit ww-hit-review" title="广告: 代考">代考</mark>' in content
    assert "敏感词命中" in content
    assert "匿名" in content or "Anonymous" in content  # the anonymous author is shown as such
    assert "ww-review-card border-warning" in content  # 30 h waiting is over the 24 h target


def test_review_queue_query_count_is_flat(wall):
    for _index in range(3):
        wall.post()
    client = client_for(wall.reviewer)
    client.get(reverse("wall:review_list"))  # the session's first refresh is written once
    assert_query_baseline("wall.review.queue", lambda: client.get(reverse("wall:review_list")))
    for _index in range(10):
        wall.post()
    assert_query_baseline("wall.review.queue", lambda: client.get(reverse("wall:review_list")))


def test_review_queue_escapes_the_body(wall):
    wall.post(body="<script>alert(1)</script>", screening_hits=[{"word": "x", "start": 0, "end": 8}])
    content = client_for(wall.reviewer).get(reverse("wall:review_list")).content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;" in content


def test_review_queue_is_refused_without_the_review_permission(wall):
    assert client_for(wall.operator).get(reverse("wall:review_list")).status_code == 403
    anonymous = Client().get(reverse("wall:review_list"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_opening_an_item_takes_the_lock_and_a_second_reviewer_sees_who_holds_it(wall):
    post = wall.post()
    url = reverse("wall:review_post", kwargs={"pk": post.pk})
    first = client_for(wall.reviewer).get(url)
    assert first.status_code == 200 and 'data-testid="lock-mine"' in first.content.decode()
    assert Post.objects.get(pk=post.pk).locked_by == wall.reviewer
    second = client_for(wall.reviewer2).get(url).content.decode()
    assert 'data-testid="lock-held"' in second and "Reviewer1" in second
    assert 'data-testid="decision-card"' not in second


def test_approve_through_the_page(wall):
    post = wall.post()
    client = client_for(wall.reviewer)
    client.get(reverse("wall:review_post", kwargs={"pk": post.pk}))
    response = client.post(reverse("wall:review_post_decide", kwargs={"pk": post.pk, "action": "approve"}))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == "scheduled" and post.reviewed_by == wall.reviewer


def test_reject_without_a_reason_is_refused_naming_the_field(wall):
    post = wall.post()
    client = client_for(wall.reviewer)
    url = reverse("wall:review_post_decide", kwargs={"pk": post.pk, "action": "reject"})
    response = client.post(url, {"reason": "", "note": ""})
    assert response.status_code == 422
    assert 'data-field="reason"' in response.content.decode()
    response = client.post(url, {"reason": "other", "note": ""})
    assert response.status_code == 422 and 'data-field="note"' in response.content.decode()
    assert Post.objects.get(pk=post.pk).status == "pending"
    assert client.post(url, {"reason": "advertising", "note": "广告"}).status_code == 302
    assert Post.objects.get(pk=post.pk).reject_reason == "advertising"


def test_send_back_and_escalate_through_the_page(wall):
    post, other = wall.post(), wall.post()
    client = client_for(wall.reviewer)
    client.post(
        reverse("wall:review_post_decide", kwargs={"pk": post.pk, "action": "send_back"}),
        {"note": "请补充时间"},
    )
    assert Post.objects.get(pk=post.pk).status == "sent_back"
    client.post(
        reverse("wall:review_post_decide", kwargs={"pk": other.pk, "action": "escalate"}), {"note": ""}
    )
    assert Post.objects.get(pk=other.pk).status == "second_review"


def test_a_decision_while_another_reviewer_holds_the_lock_is_refused(wall):
    post = wall.post()
    client_for(wall.reviewer).get(reverse("wall:review_post", kwargs={"pk": post.pk}))
    response = client_for(wall.reviewer2).post(
        reverse("wall:review_post_decide", kwargs={"pk": post.pk, "action": "approve"}), follow=True
    )
    assert "正在审核" in response.content.decode() or "is reviewing" in response.content.decode()
    assert Post.objects.get(pk=post.pk).status == "pending"


def test_decisions_are_refused_without_permission(wall):
    post = wall.post()
    response = client_for(wall.operator).post(
        reverse("wall:review_post_decide", kwargs={"pk": post.pk, "action": "approve"})
    )
    assert response.status_code == 403
    assert Post.objects.get(pk=post.pk).status == "pending"
    # Take-down needs its own action: a reviewer without it gets a 404 for a published post.
    published = wall.post(status="published", published_at=timezone.now())
    response = client_for(wall.reviewer).post(
        reverse("wall:review_post_decide", kwargs={"pk": published.pk, "action": "take_down"}),
        {"reason": "x"},
    )
    assert Post.objects.get(pk=published.pk).status == "published"


def test_take_down_through_the_page(wall):
    post = wall.post(status="published", published_at=timezone.now())
    client = client_for(wall.manager)
    page = client.get(reverse("wall:review_post", kwargs={"pk": post.pk})).content.decode()
    assert 'data-testid="take-down"' in page
    url = reverse("wall:review_post_decide", kwargs={"pk": post.pk, "action": "take_down"})
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "违规"}).status_code == 302
    assert Post.objects.get(pk=post.pk).status == "taken_down"


def test_bulk_approve_and_reject(wall):
    posts = [wall.post() for _index in range(3)]
    comment = wall.comment()
    client = client_for(wall.reviewer)
    items = [f"post:{posts[0].pk}", f"post:{posts[1].pk}", f"comment:{comment.pk}"]
    response = client.post(
        reverse("wall:review_bulk"), {"item": items, "decision": "approve", "reason": "", "note": ""}
    )
    assert response.status_code == 302
    assert [Post.objects.get(pk=p.pk).status for p in posts] == ["scheduled", "scheduled", "pending"]
    assert Comment.objects.get(pk=comment.pk).status == "published"
    client.post(
        reverse("wall:review_bulk"), {"item": [f"post:{posts[2].pk}"], "decision": "reject", "reason": ""}
    )
    assert Post.objects.get(pk=posts[2].pk).status == "pending"  # a rejection needs a reason
    client.post(
        reverse("wall:review_bulk"),
        {"item": [f"post:{posts[2].pk}"], "decision": "reject", "reason": "off_topic"},
    )
    assert Post.objects.get(pk=posts[2].pk).status == "rejected"


def test_bulk_skips_items_outside_the_scope(wall):
    from whitewall.core.testing import grant

    post, other = wall.post(), wall.post()
    wall.outsider.groups.clear()
    grant(wall.outsider, Post, ["review"], constraints={"pk": post.pk})
    client = client_for(wall.outsider)
    client.post(
        reverse("wall:review_bulk"), {"item": [f"post:{post.pk}", f"post:{other.pk}"], "decision": "approve"}
    )
    assert Post.objects.get(pk=post.pk).status == "scheduled"
    assert Post.objects.get(pk=other.pk).status == "pending"


def test_comment_page_and_approve(wall):
    comment = wall.comment()
    client = client_for(wall.reviewer)
    assert client.get(reverse("wall:review_comment", kwargs={"pk": comment.pk})).status_code == 200
    client.post(reverse("wall:review_comment_decide", kwargs={"pk": comment.pk, "action": "approve"}))
    assert Comment.objects.get(pk=comment.pk).status == "published"


def test_flagged_tab_and_keep(wall):
    post = wall.post(
        status="published", published_at=timezone.now(), flagged_at=timezone.now(), queue_reason="词库变更"
    )
    client = client_for(wall.reviewer)
    content = client.get(reverse("wall:review_list") + "?tab=flagged").content.decode()
    assert f"/review/posts/{post.pk}/" in content
    client.post(reverse("wall:review_post_decide", kwargs={"pk": post.pk, "action": "keep"}))
    assert Post.objects.get(pk=post.pk).flagged_at is None


def test_report_queue_groups_by_item_with_score_and_overdue_flag(wall):
    post = wall.post(status="published", published_at=timezone.now())
    wall.report(post=post, weight="1.50", hours=-2)
    wall.report(post=post, reporter=wall.author, weight="1.00")
    client = client_for(wall.reviewer)
    client.get(reverse("wall:report_list"))  # the session's first refresh is written once
    response = assert_query_baseline("wall.report.grouped", lambda: client.get(reverse("wall:report_list")))
    content = response.content.decode()
    assert content.count('data-testid="report-group"') == 1
    assert "2.50" in content and 'data-testid="overdue"' in content


def test_guest_reports_are_marked_in_the_queue_and_on_the_item(wall):
    from whitewall.wall import testing as f
    from whitewall.wall.services.reports import report_submit

    post = wall.post(status="published", published_at=timezone.now())
    wall.report(post=post)
    guest = report_submit(
        actor=f.visitor(token="marked-guest-" + "m" * 16, ip="10.7.0.1"), post=post, reason="illegal"
    )
    client = client_for(wall.reviewer)
    client.cookies["whitewall_language"] = "en"
    listing = client.get(reverse("wall:report_list")).content.decode()
    assert 'data-testid="guest-reports"' in listing and "1 from a guest" in listing
    detail = client.get(reverse("wall:report_detail", kwargs={"pk": guest.pk})).content.decode()
    assert detail.count('data-testid="guest-report"') == 1
    api = client.get("/api/v1/wall/moderation/reports/").json()
    rows = api.get("results", api)
    assert sorted(row["by_guest"] for row in rows) == [False, True]


def test_report_uphold_through_the_page(wall):
    post = wall.post(status="published", published_at=timezone.now())
    report = wall.report(post=post)
    client = client_for(wall.reviewer)
    page = client.get(reverse("wall:report_detail", kwargs={"pk": report.pk})).content.decode()
    assert 'data-testid="uphold"' in page
    dismiss = reverse("wall:report_handle", kwargs={"pk": report.pk, "action": "dismiss"})
    response = client.post(dismiss, {"dismiss-note": ""})
    assert response.status_code == 422 and 'data-field="note"' in response.content.decode()
    client.post(
        reverse("wall:report_handle", kwargs={"pk": report.pk, "action": "uphold"}), {"uphold-note": "广告"}
    )
    assert Report.objects.get(pk=report.pk).status == "upheld"
    assert Post.objects.get(pk=post.pk).status == "taken_down"


def test_feedback_reply_and_close_through_the_page(wall):
    feedback = wall.feedback(hours=-1)
    client = client_for(wall.operator)
    page = client.get(reverse("wall:feedback_detail", kwargs={"pk": feedback.pk})).content.decode()
    assert 'data-testid="overdue"' in page
    url = reverse("wall:feedback_action", kwargs={"pk": feedback.pk, "action": "reply"})
    response = client.post(url, {"reply": ""})
    assert response.status_code == 422 and 'data-field="reply"' in response.content.decode()
    client.post(url, {"reply": "已处理", "resolution": "explained"})
    assert Feedback.objects.get(pk=feedback.pk).status == "answered"
    client.post(
        reverse("wall:feedback_action", kwargs={"pk": feedback.pk, "action": "close"}),
        {"resolution": "fixed"},
    )
    assert Feedback.objects.get(pk=feedback.pk).status == "closed"


def test_feedback_list_filters_overdue(wall):
    late, fine = wall.feedback(hours=-1, subject="迟到的投诉"), wall.feedback(hours=20, subject="准时的投诉")
    content = client_for(wall.operator).get(reverse("wall:feedback_list") + "?overdue=true").content.decode()
    assert late.subject in content and fine.subject not in content


def test_takedown_requests_page_and_decisions(wall):
    post = wall.post(status="published", published_at=timezone.now(), takedown_requested_at=timezone.now())
    client = client_for(wall.manager)
    assert 'data-testid="takedown-request"' in client.get(reverse("wall:takedown_list")).content.decode()
    client.post(reverse("wall:takedown_decide", kwargs={"pk": post.pk, "decision": "decline"}), {"note": ""})
    assert Post.objects.get(pk=post.pk).takedown_requested_at is not None  # a decline needs a note
    client.post(reverse("wall:takedown_decide", kwargs={"pk": post.pk, "decision": "approve"}), {"note": ""})
    assert Post.objects.get(pk=post.pk).status == "taken_down"
    assert client_for(wall.reviewer).get(reverse("wall:takedown_list")).status_code == 403


def test_author_edits_and_resubmits_a_post_sent_back(wall):
    post = wall.post(status="sent_back", reject_note="请删掉手机号")
    client = client_for(wall.author)
    listing = client.get(reverse("my_page_sent_back")).content.decode()
    assert "请删掉手机号" in listing
    url = reverse("my_page_resubmit", kwargs={"pk": post.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "", "body": ""}).status_code == 422
    assert client.post(url, {"title": "修改后", "body": "已删除手机号"}).status_code == 302
    post.refresh_from_db()
    assert post.status == "pending" and post.body == "已删除手机号"
    # Someone else's post is not found.
    other = wall.post(status="sent_back")
    assert (
        client_for(wall.reporter).get(reverse("my_page_resubmit", kwargs={"pk": other.pk})).status_code == 404
    )
