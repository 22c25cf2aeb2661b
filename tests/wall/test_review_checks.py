"""Checks 2.3.2 and 1.3.1, the console card and menu, and the demo data of content operations."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from whitewall.core.testing import login
from whitewall.regulation.checks import Status, run_check
from whitewall.wall.checks import (
    complaints_answered_in_time,
    published_posts_reviewed,
    reports_handled_in_time,
    review_in_place,
)

pytestmark = pytest.mark.django_db


def _published(wall, *, reviewed=True, days=1):
    at = timezone.now() - datetime.timedelta(days=days)
    return wall.post(
        status="published",
        published_at=at,
        reviewed_by=wall.reviewer if reviewed else None,
        reviewed_at=at if reviewed else None,
    )


def test_published_posts_reviewed_is_red_when_one_was_not(wall):
    _published(wall)
    assert published_posts_reviewed().status == Status.GREEN
    _published(wall, reviewed=False)
    component = published_posts_reviewed()
    assert component.status == Status.RED
    assert component.figures == {"published_posts": 2, "reviewed_posts": 1, "reviewed_percent": 50.0}
    _published(wall, reviewed=False, days=40)  # outside the window: not counted
    assert published_posts_reviewed().figures["published_posts"] == 2


def test_a_staff_post_approved_through_the_engine_counts_as_reviewed(wall):
    from django.contrib.contenttypes.models import ContentType

    from whitewall.approvals.models import ApprovalRequest
    from whitewall.wall.models import Post

    post = _published(wall, reviewed=False)
    ApprovalRequest.objects.create(
        content_type=ContentType.objects.get_for_model(Post),
        object_id=post.pk,
        title="staff post",
        process="wall.post",
        status="approved",
        submitted_by=wall.manager,
        finished_at=timezone.now() - datetime.timedelta(days=2),
    )
    assert published_posts_reviewed().status == Status.GREEN


def test_complaints_answered_in_time(wall):
    assert complaints_answered_in_time().status == Status.GREEN  # none due
    on_time = wall.feedback(hours=-2)
    on_time.replied_at = on_time.due_at - datetime.timedelta(hours=1)
    on_time.save()
    wall.feedback(hours=-1)  # due an hour ago, unanswered: late
    wall.feedback(kind="feedback", hours=-1)  # not a complaint
    component = complaints_answered_in_time()
    assert component.figures["complaints_due"] == 2 and component.figures["complaints_late"] == 1
    assert component.status == Status.RED


def test_reports_handled_in_time(wall):
    post = _published(wall)
    handled = wall.report(post=post, hours=-3, status="upheld")
    handled.handled_at = handled.due_at - datetime.timedelta(hours=1)
    handled.save()
    assert reports_handled_in_time().status == Status.GREEN
    wall.report(post=post, reporter=wall.author, hours=-1)
    assert reports_handled_in_time().status == Status.RED


def test_reports_still_open_are_counted_before_they_are_due(wall):
    post = _published(wall)
    assert reports_handled_in_time().figures["reports_open"] == 0
    wall.report(post=post, hours=24)  # made now, due tomorrow: not late, but waiting
    component = reports_handled_in_time()
    assert component.status == Status.GREEN
    assert component.figures["reports_open"] == 1 and "1 report is open." in component.text


def test_check_2_3_2_combines_review_deadlines_and_the_calendar(wall):
    from whitewall.wall.models import PlanItem

    _published(wall)
    result = run_check("2.3.2")
    assert result.status == Status.RED  # nothing planned for the coming days
    assert result.figures["reviewed_posts"] == 1 and result.figures["filled_days"] == 0
    today = timezone.localdate()
    for offset in range(20):
        day = today + datetime.timedelta(days=offset)
        slot = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
        PlanItem.objects.create(title=f"计划 {offset}", topic=wall.topic, owner=wall.manager, slot=slot)
    result = run_check("2.3.2")
    assert result.status == Status.GREEN, result.explanation
    _published(wall, reviewed=False)
    assert run_check("2.3.2").status == Status.RED


def test_check_1_3_1_needs_screening_and_review(wall, django_capture_on_commit_callbacks):
    from whitewall.wall.models import Word, WordList
    from whitewall.wall.screening import cache

    _published(wall)
    result = run_check("1.3.1")
    assert result.status == Status.RED  # no word list
    with django_capture_on_commit_callbacks(execute=True):
        word_list = WordList.objects.create(name="违法违规", action="block")
        Word.objects.create(word_list=word_list, term="传销")
    cache.forget_local()
    assert review_in_place().status == Status.GREEN
    result = run_check("1.3.1")
    assert result.status == Status.GREEN, result.explanation
    _published(wall, reviewed=False)
    assert run_check("1.3.1").status == Status.RED


def test_console_card_and_menu_for_a_reviewer(wall):
    wall.post()
    wall.report(post=_published(wall), hours=-1)
    client = Client()
    login(client, wall.reviewer)
    home = client.get(reverse("console:home")).content.decode()
    assert reverse("wall:review_list") in home
    assert "status=open&amp;overdue=true" in home
    login(client, wall.operator)
    home = client.get(reverse("console:home")).content.decode()
    assert reverse("wall:feedback_list") in home and reverse("wall:review_list") not in home


def test_demo_data_is_seeded_once():
    from whitewall.accounts.demo import seed_organisation
    from whitewall.wall.demo_review import seed_review
    from whitewall.wall.models import Comment, Feedback, Post, Report

    seed_organisation()
    assert "waiting for review" in seed_review()
    assert Post.objects.filter(status="pending").count() >= 5
    assert Post.objects.filter(status="pending").exclude(screening_hits=[]).exists()
    assert Comment.objects.filter(status="pending").exists()
    assert Report.objects.filter(status="open", due_at__lt=timezone.now()).exists()
    assert Feedback.objects.filter(kind="complaint", status="open").exists()
    assert Post.objects.filter(flagged_at__isnull=False).exists()
    assert Post.objects.filter(takedown_requested_at__isnull=False).exists()
    count = Post.objects.count()
    assert seed_review() == "already present"
    assert Post.objects.count() == count
