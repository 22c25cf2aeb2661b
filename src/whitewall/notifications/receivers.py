"""What notifications does when the platform announces something (core.signals)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _


def on_job_failed(sender, job=None, name: str = "", error: str = "", **kwargs) -> None:
    """A background job failed for good: tell the system administrators."""
    from whitewall.notifications.services import notify_role

    try:
        url = (
            reverse("core:job_detail", kwargs={"pk": job.pk})
            if job is not None
            else reverse("core:periodictask_list")
        )
    except NoReverseMatch:
        url = ""
    notify_role(
        role="system_admin",
        kind="jobs.failed",
        title=_("Background job failed: %(name)s") % {"name": name},
        body=str(error)[:2000],
        obj=job,
        url=url,
    )
