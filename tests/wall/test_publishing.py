"""Slots, the staging queue, manual scheduling, publication and expiry (services.publishing)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from whitewall.audit.models import AuditEvent
from whitewall.core.testing import grant
from whitewall.notifications.models import Notification
from whitewall.wall import cache as wall_cache
from whitewall.wall import slots
from whitewall.wall.models import PlanItem, Post
from whitewall.wall.services import publishing

pytestmark = pytest.mark.django_db


def local(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def day_ahead(days=10):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def _default_rules(wall_policy):
    wall_policy(slot_min_gap_minutes=60, daily_cap=3, publish_start_hour=8, publish_end_hour=22)


# --- next_free_slot -------------------------------------------------------------------------------
def test_next_free_slot_before_hours_is_the_opening_hour():
    day = day_ahead()
    assert slots.next_free_slot(local(day, 3)) == local(day, 8)


def test_next_free_slot_rounds_up_to_the_minute():
    day = day_ahead()
    assert slots.next_free_slot(local(day, 9, 15) + datetime.timedelta(seconds=20)) == local(day, 9, 16)


def test_next_free_slot_keeps_the_gap_from_scheduled_and_published_posts(make_post):
    day = day_ahead()
    make_post(status=Post.Status.SCHEDULED, scheduled_for=local(day, 8))
    make_post(status=Post.Status.PUBLISHED, published_at=local(day, 9, 30))
    # 08:00 is taken; 09:00 is 30 minutes before the published post; the first free minute is 10:30.
    assert slots.next_free_slot(local(day, 7)) == local(day, 10, 30)


def test_next_free_slot_ignores_posts_that_hold_no_slot(make_post):
    day = day_ahead()
    make_post(status=Post.Status.WITHDRAWN, scheduled_for=local(day, 8))
    make_post(status=Post.Status.APPROVED, scheduled_for=local(day, 8))
    assert slots.next_free_slot(local(day, 7)) == local(day, 8)


def test_next_free_slot_moves_to_the_next_day_at_the_daily_cap(make_post):
    day = day_ahead()
    for hour in (8, 12, 16):
        make_post(status=Post.Status.SCHEDULED, scheduled_for=local(day, hour))
    assert slots.next_free_slot(local(day, 7)) == local(day + datetime.timedelta(days=1), 8)


def test_next_free_slot_after_closing_time_is_tomorrow_morning():
    day = day_ahead()
    assert slots.next_free_slot(local(day, 22)) == local(day + datetime.timedelta(days=1), 8)


def test_next_free_slot_when_the_gap_runs_past_closing_time(make_post):
    day = day_ahead()
    make_post(status=Post.Status.SCHEDULED, scheduled_for=local(day, 21, 30))
    assert slots.next_free_slot(local(day, 21)) == local(day + datetime.timedelta(days=1), 8)


def test_gap_reaches_across_midnight(wall_policy, make_post):
    wall_policy(slot_min_gap_minutes=120, daily_cap=5, publish_start_hour=0, publish_end_hour=24)
    day = day_ahead()
    make_post(status=Post.Status.SCHEDULED, scheduled_for=local(day, 23, 30))
    assert slots.next_free_slot(local(day + datetime.timedelta(days=1), 0)) == local(
        day + datetime.timedelta(days=1), 1, 30
    )


def test_days_are_local_days_in_asia_shanghai(make_post):
    """Asia/Shanghai has no daylight saving: every day has the same window, 08:00 = 00:00 UTC."""
    assert str(timezone.get_current_timezone()) == "Asia/Shanghai"
    for offset in range(0, 366, 30):
        day = day_ahead(offset + 1)
        start, end = slots.publishing_window(day, slots.SlotRules.from_policy())
        assert end - start == datetime.timedelta(hours=14)
        assert start.astimezone(datetime.UTC).hour == 0


def test_cap_counts_posts_of_the_local_day_only(make_post):
    day = day_ahead()
    # 07:30 local on the day is 23:30 UTC the day before: it still counts for the local day.
    for moment in (local(day, 7, 30), local(day, 12), local(day, 16)):
        make_post(status=Post.Status.PUBLISHED, published_at=moment)
    assert slots.next_free_slot(local(day, 7)).date() == day + datetime.timedelta(days=1)


# --- slot_problems / post_schedule ---------------------------------------------------------------
def test_slot_problems_names_each_rule(make_post):
    day = day_ahead()
    assert "between 08:00 and 22:00" in slots.slot_problems(local(day, 23))[0]
    make_post(status=Post.Status.SCHEDULED, scheduled_for=local(day, 10))
    gap = slots.slot_problems(local(day, 10, 30))
    assert len(gap) == 1 and "at least 60 minutes apart" in gap[0] and "10:00" in gap[0]
    for hour in (14, 18):
        make_post(status=Post.Status.SCHEDULED, scheduled_for=local(day, hour))
    assert "daily cap" in slots.slot_problems(local(day, 20))[0]


@pytest.fixture
def planner(db):
    from django.contrib.auth.models import Group

    from whitewall.accounts.models import User

    user = User.objects.create_user(username="planner", email="p@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="operator"))
    return user


def test_post_schedule_moves_a_post_into_a_valid_slot(planner, make_post):
    post = make_post(status=Post.Status.APPROVED)
    when = local(day_ahead(), 9)
    publishing.post_schedule(actor=planner, post=post, when=when)
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED and post.scheduled_for == when
    assert AuditEvent.objects.filter(object_type="wall.post", object_id=str(post.pk)).exists()


def test_post_schedule_refuses_a_slot_that_breaks_a_rule(planner, make_post):
    day = day_ahead()
    make_post(status=Post.Status.SCHEDULED, scheduled_for=local(day, 9))
    post = make_post(status=Post.Status.APPROVED)
    with pytest.raises(ValidationError) as error:
        publishing.post_schedule(actor=planner, post=post, when=local(day, 9, 20))
    assert "scheduled_for" in error.value.message_dict
    assert "60 minutes apart" in error.value.message_dict["scheduled_for"][0]
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED and post.scheduled_for is None


def test_post_schedule_refuses_the_past_and_wrong_statuses(planner, make_post):
    post = make_post(status=Post.Status.APPROVED)
    with pytest.raises(ValidationError, match="in the future"):
        publishing.post_schedule(actor=planner, post=post, when=timezone.now() - datetime.timedelta(hours=1))
    pending = make_post(status=Post.Status.PENDING)
    with pytest.raises(ValidationError, match="Only approved or scheduled"):
        publishing.post_schedule(actor=planner, post=pending, when=local(day_ahead(), 9))


def test_post_schedule_can_move_a_scheduled_post_next_to_its_own_old_slot(planner, make_post):
    day = day_ahead()
    post = make_post(status=Post.Status.SCHEDULED, scheduled_for=local(day, 9))
    publishing.post_schedule(actor=planner, post=post, when=local(day, 9, 30))
    post.refresh_from_db()
    assert post.scheduled_for == local(day, 9, 30)


def test_post_schedule_needs_the_schedule_permission(make_post):
    from whitewall.accounts.models import User

    nobody = User.objects.create_user(username="nobody", email="n@example.com", is_staff=True)
    post = make_post(status=Post.Status.APPROVED)
    with pytest.raises(PermissionDenied):
        publishing.post_schedule(actor=nobody, post=post, when=local(day_ahead(), 9))
    grant(nobody, Post, ["schedule"])
    publishing.post_schedule(actor=nobody, post=post, when=local(day_ahead(), 9))


# --- staging ---------------------------------------------------------------------------------------
def test_post_stage_gives_the_next_free_slot_and_syncs_the_plan_item(make_post, planner, topic):
    post = make_post(status=Post.Status.APPROVED)
    item = PlanItem.objects.create(
        title="周末活动",
        topic=topic,
        owner=planner,
        slot=timezone.now() - datetime.timedelta(days=1),
        post=post,
    )
    publishing.post_stage(post=post)
    post.refresh_from_db()
    item.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED
    assert post.scheduled_for >= timezone.now()
    assert not slots.slot_problems(post.scheduled_for, exclude_pk=post.pk)
    assert item.status == PlanItem.Status.SCHEDULED and item.slot == post.scheduled_for


def test_post_stage_keeps_the_plan_items_slot_when_it_is_free(make_post, planner, topic):
    post = make_post(status=Post.Status.APPROVED)
    when = local(day_ahead(3), 15)
    PlanItem.objects.create(title="周三推送", topic=topic, owner=planner, slot=when, post=post)
    publishing.post_stage(post=post)
    post.refresh_from_db()
    assert post.scheduled_for == when


def test_post_stage_queue_takes_slots_in_turn(make_post):
    posts = [make_post(status=Post.Status.APPROVED) for _ in range(4)]
    for post in posts:
        publishing.post_stage(post=post)
    moments = sorted(
        Post.objects.filter(pk__in=[p.pk for p in posts]).values_list("scheduled_for", flat=True)
    )
    for earlier, later in zip(moments, moments[1:]):
        assert later - earlier >= datetime.timedelta(minutes=60)
    by_day = {}
    for moment in moments:
        by_day.setdefault(timezone.localtime(moment).date(), []).append(moment)
    assert max(len(day) for day in by_day.values()) <= 3


def test_post_stage_refuses_a_post_not_in_the_queue(make_post):
    with pytest.raises(ValidationError, match="Only approved posts"):
        publishing.post_stage(post=make_post(status=Post.Status.PENDING))


# --- publication, the job, expiry ----------------------------------------------------------------------
def test_post_publish_sets_the_time_bumps_the_cache_and_tells_the_author(
    make_post, django_capture_on_commit_callbacks
):
    from whitewall.accounts.models import User

    author = User.objects.create_user(username="author", email="a@example.com")
    post = make_post(status=Post.Status.SCHEDULED, scheduled_for=timezone.now(), author=author)
    before = wall_cache.wall_version()
    with django_capture_on_commit_callbacks(execute=True):
        publishing.post_publish(post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED and post.published_at is not None
    assert wall_cache.wall_version() == before + 1
    note = Notification.objects.get(recipient=author, kind="wall.post_published")
    assert note.url == "/me/" or note.url.startswith("/")


def test_publish_due_publishes_due_posts_only_and_once(make_post, django_capture_on_commit_callbacks):
    now = timezone.now()
    due = make_post(status=Post.Status.SCHEDULED, scheduled_for=now - datetime.timedelta(minutes=1))
    later = make_post(status=Post.Status.SCHEDULED, scheduled_for=now + datetime.timedelta(hours=1))
    result = publishing.publish_due(now=now)
    assert result["published"] == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == Post.Status.PUBLISHED and due.published_at == now
    assert later.status == Post.Status.SCHEDULED
    assert publishing.publish_due(now=now)["published"] == 0


def test_publish_due_expires_posts_past_their_expiry(make_post):
    now = timezone.now()
    gone = make_post(
        status=Post.Status.PUBLISHED,
        published_at=now - datetime.timedelta(days=2),
        expires_at=now - datetime.timedelta(minutes=5),
    )
    kept = make_post(
        status=Post.Status.PUBLISHED,
        published_at=now - datetime.timedelta(days=2),
        expires_at=now + datetime.timedelta(days=1),
    )
    assert publishing.publish_due(now=now)["expired"] == 1
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert gone.status == Post.Status.EXPIRED and kept.status == Post.Status.PUBLISHED


def test_publish_due_stages_the_waiting_queue(make_post):
    post = make_post(status=Post.Status.APPROVED)
    assert publishing.publish_due()["staged"] == 1
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED


def test_post_expire_refuses_a_post_before_its_expiry(make_post):
    post = make_post(
        status=Post.Status.PUBLISHED,
        published_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="not reached its expiry"):
        publishing.post_expire(post=post)
    post.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    post.save()
    publishing.post_expire(post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.EXPIRED


def test_the_job_is_registered_every_minute():
    from whitewall.core.jobs import get_periodic

    spec = get_periodic("wall.publish_due")
    assert spec is not None and spec.cron.startswith("* *")


def test_publish_due_bumps_the_wall_cache_once_per_run(make_post, django_capture_on_commit_callbacks):
    now = timezone.now()
    for minutes in (1, 2, 3):
        make_post(status=Post.Status.SCHEDULED, scheduled_for=now - datetime.timedelta(minutes=minutes))
    before = wall_cache.wall_version()
    with django_capture_on_commit_callbacks(execute=True):
        assert publishing.publish_due(now=now)["published"] == 3
    after = wall_cache.wall_version()
    assert after == before + 1
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish_due(now=now)
    assert wall_cache.wall_version() == after  # nothing changed, nothing to invalidate


def test_next_free_slot_looks_ahead_a_month_per_query(wall_policy, make_post, django_assert_max_num_queries):
    wall_policy(slot_min_gap_minutes=60, daily_cap=1, publish_start_hour=8, publish_end_hour=22)
    first = day_ahead(1)
    Post.objects.bulk_create(
        Post(topic=make_post().topic, body=f"满 {i}", status=Post.Status.SCHEDULED,
             scheduled_for=local(first + datetime.timedelta(days=i), 12))
        for i in range(45)
    )  # fmt: skip
    with django_assert_max_num_queries(2):
        found = slots.next_free_slot(local(first, 7))
    assert found == local(first + datetime.timedelta(days=45), 8)


def test_a_run_publishing_fifty_posts_bumps_once_after_the_last_commit(
    make_post, django_capture_on_commit_callbacks
):
    now = timezone.now()
    for minutes in range(1, 51):
        make_post(status=Post.Status.SCHEDULED, scheduled_for=now - datetime.timedelta(minutes=minutes))
    before = wall_cache.wall_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert publishing.publish_due(now=now)["published"] == 50
    assert wall_cache.wall_version() == before + 1
    assert len([c for c in callbacks if c is wall_cache.bump_wall_version]) == 1


def test_bumps_once_defers_to_the_outermost_block_and_single_saves_bump_at_once(
    make_post, django_capture_on_commit_callbacks
):
    post = make_post(status=Post.Status.PUBLISHED, published_at=timezone.now())
    before = wall_cache.wall_version()
    with django_capture_on_commit_callbacks(execute=True):
        post.save()  # outside a block: its own bump
    assert wall_cache.wall_version() == before + 1
    with django_capture_on_commit_callbacks(execute=True), wall_cache.bumps_once():
        post.save()
        with wall_cache.bumps_once():
            post.save()
            wall_cache.bump_wall_version()
        assert wall_cache.wall_version() == before + 1  # nothing yet: the outer block is open
        post.save()
    assert wall_cache.wall_version() == before + 2
    with django_capture_on_commit_callbacks(execute=True), wall_cache.bumps_once():
        pass  # nothing asked for, nothing bumped
    assert wall_cache.wall_version() == before + 2
