"""QA findings on background work: the scheduled tasks page lists every periodic task Huey knows
(also those declared with plain ``db_periodic_task``), records their runs and can run them now;
its result column stays short; a job's polled status area carries the final state."""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.models import Group
from django.test import TestCase
from django.urls import reverse
from django.utils import formats, timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from whitewall.accounts.models import User
from whitewall.core.jobs import get_periodic, periodic_tasks
from whitewall.core.models import Job, PeriodicRun
from whitewall.core.testing import grant, login
from whitewall.core.testing.jobs import flush_queue, run_scheduled_tasks
from whitewall.notifications.models import Notification

PLAIN = {"fail": False}


@db_periodic_task(crontab(minute="*/10", hour="2"), name="tests.plain_periodic")
def plain_periodic():
    if PLAIN["fail"]:
        raise RuntimeError("plain task broke")
    return {"done": 1}


OTHER_APPS_TASKS = (
    "audit.checkpoint",
    "approvals_remind_overdue",
    "regulation_checks_scheduled",
    "regulation_acknowledgement_reminders",
)


def make_user(username: str, group: str) -> User:
    user = User.objects.create_user(username=username, email=f"{username}@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


class ScheduledTasksPageTests(TestCase):
    def setUp(self):
        flush_queue()
        PLAIN["fail"] = False
        self.admin = make_user("qa_sysadmin", "system_admin")  # told of failures
        self.auditor = make_user("qa_auditor", "auditor")
        self.runner = User.objects.create_user(username="qa_runner", email="r@example.com", is_staff=True)
        grant(self.runner, PeriodicRun, ["view", "add"])

    def page(self, user) -> str:
        login(self.client, user)
        response = self.client.get(reverse("core:periodictask_list"))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_every_periodic_task_huey_knows_is_listed_with_its_schedule(self):
        names = {spec.name for spec in periodic_tasks()}
        self.assertTrue({"tests.plain_periodic", *OTHER_APPS_TASKS} <= names, names)
        content = self.page(self.auditor)
        for name in ("tests.plain_periodic", "core.cleanup_jobs", "wall.publish_due", *OTHER_APPS_TASKS):
            self.assertIn(f'data-task="{name}"', content)
        row = content.split('data-task="tests.plain_periodic"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("*/10 2 * * *", row)
        self.assertIn(reverse("core:periodicrun_list") + "?name=tests.plain_periodic", row)
        self.assertNotIn(reverse("core:periodictask_run", kwargs={"name": "tests.plain_periodic"}), content)
        self.assertIn(
            reverse("core:periodictask_run", kwargs={"name": "audit.checkpoint"}), self.page(self.runner)
        )

    def test_next_run_of_a_plain_task_follows_its_crontab(self):
        spec = get_periodic("tests.plain_periodic")
        self.assertEqual(spec.cron, "*/10 2 * * *")
        tz = timezone.get_current_timezone()
        after = timezone.make_aware(datetime.datetime(2026, 3, 1, 2, 31), tz)
        self.assertEqual(spec.next_run(after), timezone.make_aware(datetime.datetime(2026, 3, 1, 2, 40), tz))

    def test_run_now_of_a_plain_task_records_its_run_and_result(self):
        login(self.client, self.runner)
        url = reverse("core:periodictask_run", kwargs={"name": "tests.plain_periodic"})
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url)
        self.assertEqual(response.status_code, 302)
        run = PeriodicRun.objects.get(name="tests.plain_periodic")
        self.assertEqual((run.status, run.result, run.attempts), (PeriodicRun.SUCCEEDED, {"done": 1}, 1))
        self.assertIsNotNone(run.finished)
        content = self.page(self.auditor)
        self.assertIn(reverse("core:periodicrun_detail", kwargs={"pk": run.pk}), content)

    def test_a_failing_plain_task_is_recorded_failed_and_admins_are_told(self):
        PLAIN["fail"] = True
        with self.captureOnCommitCallbacks(execute=True):
            HUEY.execute(plain_periodic.s())
        run_scheduled_tasks(self, rounds=3)
        run = PeriodicRun.objects.get(name="tests.plain_periodic")
        self.assertEqual(run.status, PeriodicRun.FAILED)
        self.assertIn("RuntimeError: plain task broke", run.error)
        self.assertTrue(Notification.objects.filter(recipient=self.admin, kind="jobs.failed").exists())

    def test_a_long_result_is_shortened_with_the_full_text_in_its_title(self):
        now = timezone.now()
        long_text = "checked " + "many things, " * 40 + "END"
        run = PeriodicRun.objects.create(
            name="core.cleanup_jobs",
            task_id="qa-long",
            slot=now,
            started=now,
            finished=now,
            status=PeriodicRun.SUCCEEDED,
            result={"summary": long_text},
        )
        content = self.page(self.auditor)
        cell = content.split('data-task="core.cleanup_jobs"', 1)[1].split('data-testid="last-result"', 1)[1]
        cell = cell.split("</td>", 1)[0]
        shown = re.search(r">([^<>]*(?:…|\.\.\.))</a>", cell)
        self.assertIsNotNone(shown, cell)
        self.assertLessEqual(len(shown.group(1)), 60)
        self.assertIn(f'title="{long_text}"', cell)
        self.assertIn(reverse("core:periodicrun_detail", kwargs={"pk": run.pk}), cell)
        self.assertNotIn("END</", cell)


class JobStatusPollingTests(TestCase):
    def setUp(self):
        self.auditor = make_user("qa_auditor2", "auditor")
        login(self.client, self.auditor)
        self.job = Job.objects.create(name="Verify", task="audit.verify", created_by=self.auditor)

    def overview(self, html: str) -> str:
        return html.split('data-testid="job-overview"', 1)[1].split("</dl>", 1)[0]

    def test_the_polled_partial_carries_the_whole_final_status(self):
        page = self.client.get(reverse("core:job_detail", kwargs={"pk": self.job.pk})).content.decode()
        poll_url = reverse("core:job_progress", kwargs={"pk": self.job.pk})
        self.assertIn(f'hx-get="{poll_url}"', page)
        # the polled element wraps the overview, so swapping it refreshes status, attempts and times
        live = page.split('id="ww-job-live"', 1)[1]
        self.assertIn('data-testid="job-overview"', live)
        self.assertNotIn("style=", page)
        started = timezone.now() - datetime.timedelta(seconds=5)
        finished = timezone.now()
        Job.objects.filter(pk=self.job.pk).update(
            status=Job.SUCCEEDED,
            attempts=1,
            progress=100,
            started=started,
            finished=finished,
            result={"summary": "Audit chain intact"},
        )
        response = self.client.get(poll_url)
        self.assertEqual(response.status_code, 286)
        fragment = response.content.decode()
        self.assertIn('data-job-finished="true"', fragment)
        self.assertIn('data-job-status="succeeded"', fragment)
        overview = self.overview(fragment)
        for moment in (started, finished):
            self.assertIn(formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT"), overview)
        self.job.refresh_from_db()
        self.assertIn(str(self.job.get_status_display()), overview)
        self.assertIn("Audit chain intact", fragment)
        # the same overview as a reload would show
        reloaded = self.client.get(reverse("core:job_detail", kwargs={"pk": self.job.pk})).content.decode()
        self.assertEqual(self.overview(reloaded), overview)
        self.assertNotIn("hx-get", reloaded.split('id="ww-job-live"', 1)[1].split(">", 1)[0])
