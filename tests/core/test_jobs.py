"""Jobs: progress recorded from inside the task, retries with doubling delays, final failure
announced (and system administrators notified), periodic runs recorded once per slot, cleanup,
and the console pages."""

from __future__ import annotations

import datetime
from unittest import mock

from django.contrib.auth.models import Group
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from whitewall.accounts.models import User
from whitewall.core import jobs
from whitewall.core.jobs import enqueue_job, job_task, parse_cron_field, periodic
from whitewall.core.models import Job, PeriodicRun
from whitewall.core.signals import job_failed
from whitewall.core.tasks import cleanup_finished_jobs
from whitewall.core.testing import ViewTestCases, login
from whitewall.core.testing.jobs import flush_queue, run_scheduled_tasks, scheduled_count
from whitewall.notifications.models import Notification

SEEN_PROGRESS: list[int] = []
FLAKY = {"failures_left": 0}


@job_task("tests.count_to")
def count_to(ctx, *, n):
    for step in range(1, n + 1):
        ctx.progress(step * 100 / n, f"step {step} of {n}")
        SEEN_PROGRESS.append(Job.objects.get(pk=ctx.job.pk).progress)
    return {"counted": n}


@job_task("tests.always_fails")
def always_fails(ctx, *, reason):
    ctx.log("about to fail")
    raise RuntimeError(reason)


@periodic("tests.sample_periodic", label="Sample", minute="*/5")
def sample_periodic():
    if FLAKY["failures_left"]:
        FLAKY["failures_left"] -= 1
        raise ValueError("flaky")
    return {"ok": True}


class JobTests(TestCase):
    def setUp(self):
        flush_queue()
        SEEN_PROGRESS.clear()
        self.user = User.objects.create_user(username="starter", email="s@example.com", is_staff=True)
        self.admin = User.objects.create_user(username="sysadmin1", email="admin@example.com", is_staff=True)
        self.admin.groups.add(Group.objects.get(name="system_admin"))

    def test_job_runs_only_after_commit_and_records_progress_log_and_result(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            job = enqueue_job("Count", count_to, user=self.user, n=4)
        job.refresh_from_db()
        self.assertEqual(job.status, Job.QUEUED)
        self.assertEqual(len(callbacks), 1)
        callbacks[0]()
        job.refresh_from_db()
        self.assertEqual(job.status, Job.SUCCEEDED)
        self.assertEqual(SEEN_PROGRESS, [25, 50, 75, 100])  # written while the task ran
        self.assertEqual(job.result, {"counted": 4})
        self.assertEqual([line["message"] for line in job.log][-1], "step 4 of 4")
        self.assertEqual(job.created_by, self.user)
        self.assertIsNotNone(job.started)
        self.assertIsNotNone(job.finished)

    def test_a_finished_job_is_not_run_again(self):
        with self.captureOnCommitCallbacks(execute=True):
            job = enqueue_job("Count", count_to, user=self.user, n=2)
        SEEN_PROGRESS.clear()
        count_to(job.pk)  # a duplicate message in the queue
        job.refresh_from_db()
        self.assertEqual(SEEN_PROGRESS, [])
        self.assertEqual(job.attempts, 1)

    def test_arguments_must_be_json_and_task_declared(self):
        with self.assertRaises(ValueError):
            enqueue_job("Count", count_to, user=self.user, n=object())
        with self.assertRaises(ValueError):
            enqueue_job("Nope", print, user=self.user)

    def test_failed_job_retries_with_doubling_delays_then_fails_and_admins_are_notified(self):
        received = []

        def listener(sender, **kwargs):
            received.append(kwargs)

        job_failed.connect(listener)
        self.addCleanup(job_failed.disconnect, listener)
        with self.captureOnCommitCallbacks(execute=True):
            job = enqueue_job("Doomed", always_fails, user=self.user, reason="disk full")
        job.refresh_from_db()
        self.assertEqual((job.status, job.attempts), (Job.QUEUED, 1))
        self.assertEqual(scheduled_count(), 1)
        run_scheduled_tasks(self, rounds=10)
        job.refresh_from_db()
        self.assertEqual(job.status, Job.FAILED)
        self.assertEqual(job.attempts, 4)  # 1 + policy jobs.retries (3)
        self.assertIn("RuntimeError: disk full", job.error)
        retry_lines = [line["message"] for line in job.log if "retrying in" in line["message"]]
        self.assertEqual(
            [line.rsplit("retrying in ", 1)[1] for line in retry_lines], ["30 s", "60 s", "120 s"]
        )
        self.assertEqual(len(received), 1)
        self.assertEqual(received[0]["job"].pk, job.pk)
        notification = Notification.objects.get(recipient=self.admin, kind="jobs.failed")
        self.assertIn("Doomed", notification.title)
        self.assertEqual(notification.url, reverse("core:job_detail", kwargs={"pk": job.pk}))
        self.assertFalse(Notification.objects.filter(recipient=self.user, kind="jobs.failed").exists())


class PeriodicTests(TestCase):
    def setUp(self):
        flush_queue()
        FLAKY["failures_left"] = 0
        self.admin = User.objects.create_user(username="sysadmin2", email="a2@example.com", is_staff=True)
        self.admin.groups.add(Group.objects.get(name="system_admin"))

    def fire(self):
        with self.captureOnCommitCallbacks(execute=True):
            jobs.HUEY.execute(sample_periodic.s())

    def test_each_run_is_recorded_once_per_slot(self):
        moment = timezone.now().replace(second=10, microsecond=0)
        with mock.patch("whitewall.core.jobs.timezone.now", return_value=moment):
            self.fire()
            self.fire()  # a second consumer firing the same schedule
        runs = PeriodicRun.objects.filter(name="tests.sample_periodic")
        self.assertEqual(runs.count(), 1)
        run = runs.get()
        self.assertEqual(run.status, PeriodicRun.SUCCEEDED)
        self.assertEqual(run.result, {"ok": True})
        self.assertEqual(run.slot, moment.replace(second=0))

    def test_a_failing_run_retries_then_succeeds(self):
        FLAKY["failures_left"] = 2
        self.fire()
        run = PeriodicRun.objects.get(name="tests.sample_periodic")
        self.assertEqual(run.status, PeriodicRun.RETRYING)
        run_scheduled_tasks(self, rounds=5)
        run.refresh_from_db()
        self.assertEqual((run.status, run.attempts), (PeriodicRun.SUCCEEDED, 3))
        self.assertFalse(Notification.objects.filter(kind="jobs.failed").exists())

    def test_a_run_that_keeps_failing_notifies_the_system_admins(self):
        FLAKY["failures_left"] = 99
        self.fire()
        run_scheduled_tasks(self, rounds=10)
        run = PeriodicRun.objects.get(name="tests.sample_periodic")
        self.assertEqual((run.status, run.attempts), (PeriodicRun.FAILED, 4))
        notification = Notification.objects.get(recipient=self.admin, kind="jobs.failed")
        self.assertIn("tests.sample_periodic", notification.title)
        self.assertEqual(notification.url, reverse("core:periodictask_list"))

    def test_next_run_follows_the_crontab_in_local_time(self):
        spec = jobs.get_periodic("core.cleanup_jobs")
        self.assertEqual(spec.cron, "30 3 * * *")
        tz = timezone.get_current_timezone()
        after = timezone.make_aware(datetime.datetime(2026, 3, 1, 4, 0), tz)
        self.assertEqual(spec.next_run(after), timezone.make_aware(datetime.datetime(2026, 3, 2, 3, 30), tz))
        before = timezone.make_aware(datetime.datetime(2026, 3, 1, 3, 29), tz)
        self.assertEqual(spec.next_run(before), timezone.make_aware(datetime.datetime(2026, 3, 1, 3, 30), tz))
        sample = jobs.get_periodic("tests.sample_periodic")
        self.assertEqual(
            sample.next_run(timezone.make_aware(datetime.datetime(2026, 3, 1, 4, 2), tz)),
            timezone.make_aware(datetime.datetime(2026, 3, 1, 4, 5), tz),
        )

    def test_cron_fields_are_parsed_and_checked(self):
        self.assertEqual(parse_cron_field("*/15", 0, 59), [0, 15, 30, 45])
        self.assertEqual(parse_cron_field("1-5", 0, 6), [1, 2, 3, 4, 5])
        self.assertEqual(parse_cron_field("1,3,10-12", 1, 31), [1, 3, 10, 11, 12])
        for bad in ("61", "5-1", "*/0"):
            with self.assertRaises(ValueError):
                parse_cron_field(bad, 0, 59)

    def test_cleanup_removes_only_old_finished_records(self):
        now = timezone.now()
        old = now - datetime.timedelta(days=91)
        old_done = Job.objects.create(name="old", task="x", status=Job.SUCCEEDED, finished=old)
        old_running = Job.objects.create(name="running", task="x", status=Job.RUNNING, started=old)
        recent = Job.objects.create(name="recent", task="x", status=Job.FAILED, finished=now)
        old_run = PeriodicRun.objects.create(name="x", task_id="old", slot=old, started=old, finished=old)
        result = cleanup_finished_jobs(now)
        self.assertEqual(result, {"jobs_deleted": 1, "runs_deleted": 1})
        self.assertFalse(Job.objects.filter(pk=old_done.pk).exists())
        self.assertFalse(PeriodicRun.objects.filter(pk=old_run.pk).exists())
        self.assertTrue(Job.objects.filter(pk__in=[old_running.pk, recent.pk]).count() == 2)


class JobViewTests(
    ViewTestCases.ListObjectsViewTestCase,
    ViewTestCases.GetObjectViewTestCase,
    ViewTestCases.BulkDeleteObjectsViewTestCase,
):
    model = Job

    def make_objects(self):
        return [
            Job.objects.create(name=f"Import {i}", task="x", progress=30 * i, status=Job.RUNNING)
            for i in range(3)
        ]

    def test_progress_bar_is_set_from_data_attribute_and_polling_stops_when_finished(self):
        self.add_permissions("view")
        job = self.objects[1]
        page = self.client.get(self.url("detail", job)).content.decode()
        self.assertIn('data-progress="30"', page)
        self.assertIn(reverse("core:job_progress", kwargs={"pk": job.pk}), page)
        self.assertNotIn("style=", page)
        fragment = self.client.get(reverse("core:job_progress", kwargs={"pk": job.pk}))
        self.assertEqual(fragment.status_code, 200)
        Job.objects.filter(pk=job.pk).update(status=Job.SUCCEEDED, progress=100)
        fragment = self.client.get(reverse("core:job_progress", kwargs={"pk": job.pk}))
        self.assertEqual(fragment.status_code, 286)  # htmx stops polling
        self.assertIn('data-progress="100"', fragment.content.decode())

    def test_people_see_their_own_jobs_and_auditors_see_all(self):
        operator = User.objects.create_user(username="op1", email="op1@example.com", is_staff=True)
        operator.groups.add(Group.objects.get(name="operator"))
        mine = Job.objects.create(name="Mine", task="x", created_by=operator)
        theirs = self.objects[0]
        login(self.client, operator)
        content = self.client.get(self.url("list")).content.decode()
        self.assertIn(self.marker(mine), content)
        self.assertNotIn(self.marker(theirs), content)
        self.assertEqual(self.client.get(self.url("detail", theirs)).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("core:job_progress", kwargs={"pk": theirs.pk})).status_code, 404
        )
        auditor = User.objects.create_user(username="aud1", email="aud1@example.com", is_staff=True)
        auditor.groups.add(Group.objects.get(name="auditor"))
        login(self.client, auditor)
        content = self.client.get(self.url("list")).content.decode()
        self.assertIn(self.marker(mine), content)
        self.assertIn(self.marker(theirs), content)
        self.assertNotIn('value="delete"', content)  # auditors change nothing


class PeriodicRunViewTests(ViewTestCases.ListObjectsViewTestCase, ViewTestCases.GetObjectViewTestCase):
    model = PeriodicRun

    def make_objects(self):
        now = timezone.now()
        return [
            PeriodicRun.objects.create(
                name="core.cleanup_jobs",
                task_id=f"t{i}",
                slot=now - datetime.timedelta(hours=i),
                started=now - datetime.timedelta(hours=i),
            )
            for i in range(3)
        ]

    def test_registry_page_shows_schedule_last_and_next_run(self):
        self.add_permissions("view")
        response = self.client.get(reverse("core:periodictask_list"))
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertIn('data-task="core.cleanup_jobs"', content)
        self.assertIn("30 3 * * *", content)
        self.assertIn(reverse("core:periodicrun_detail", kwargs={"pk": self.objects[0].pk}), content)
        self.assertNotIn(reverse("core:periodictask_run", kwargs={"name": "core.cleanup_jobs"}), content)

    def test_run_now_needs_permission_and_records_a_run(self):
        flush_queue()
        url = reverse("core:periodictask_run", kwargs={"name": "tests.sample_periodic"})
        self.add_permissions("view")
        self.assertEqual(self.client.post(url).status_code, 403)
        self.add_permissions("add")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(PeriodicRun.objects.filter(name="tests.sample_periodic", status="succeeded").exists())
        missing = reverse("core:periodictask_run", kwargs={"name": "no.such"})
        self.assertEqual(self.client.post(missing).status_code, 404)
