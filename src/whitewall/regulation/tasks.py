"""Periodic jobs of the regulation board (crontabs in local time: HUEY["utc"] is False).

Both are safe with several consumers: a scheduled check run claims its time slot in the
database (a second runner finds it taken), and reminders are unique per user, version and day.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from whitewall.regulation import services


# Every five minutes the job asks for the current slot of ``regulation.check_minutes``; only the
# first claim of each slot runs the checks.
@db_periodic_task(crontab(minute="*/5"))
def regulation_checks_scheduled():
    run = services.scheduled_checks_run()
    return {"run": run.pk if run else None}


@db_periodic_task(crontab(hour="9", minute="0"))
def regulation_acknowledgement_reminders():
    return {"reminded": services.acknowledgement_reminders_send()}
