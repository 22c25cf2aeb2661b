"""The periodic jobs, and the exactly-once claim under real concurrency (PostgreSQL)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from whitewall.regulation import tasks
from whitewall.regulation.models import AcknowledgementReminder, CheckRun
from whitewall.regulation.testing import make_staff, make_version


@pytest.mark.django_db
def test_the_scheduled_job_runs_the_checks_once_per_slot():
    assert tasks.regulation_checks_scheduled.call_local()["run"] is not None
    assert tasks.regulation_checks_scheduled.call_local() == {"run": None}
    assert CheckRun.objects.count() == 1


@pytest.mark.django_db
def test_the_reminder_job_records_reminders():
    make_version("1.0")
    make_staff("pending")
    assert tasks.regulation_acknowledgement_reminders.call_local() == {"reminded": 1}
    assert tasks.regulation_acknowledgement_reminders.call_local() == {"reminded": 0}
    assert AcknowledgementReminder.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_consumers_claiming_the_same_slot_at_once_run_it_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    from whitewall.regulation.services import check_run_claim

    now = timezone.now()
    barrier = threading.Barrier(4)
    claimed = []

    def consumer():
        from django.db import connections

        try:
            barrier.wait()
            claimed.append(check_run_claim(now=now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=consumer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([run for run in claimed if run is not None]) == 1
    assert CheckRun.objects.count() == 1
