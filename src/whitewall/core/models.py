"""Base models and feature mixins that every app's models build on."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from whitewall.core.querysets import RestrictedQuerySet


class TimestampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True, editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class BaseModel(TimestampedModel):
    """The base of every business model: timestamps and permission-aware querysets."""

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_absolute_url(self):
        from whitewall.core.urls_helpers import object_url

        return object_url(self, "detail")


class Job(BaseModel):
    """A piece of user-visible background work: who started it, how far it got, what came out.

    Created by ``core.jobs.enqueue_job``; the Huey task updates status, progress and log.
    """

    QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
    STATUS_CHOICES = [
        (QUEUED, _("queued")),
        (RUNNING, _("running")),
        (SUCCEEDED, _("succeeded")),
        (FAILED, _("failed")),
    ]
    FINISHED = (SUCCEEDED, FAILED)

    name = models.CharField(_("name"), max_length=200)
    task = models.CharField(_("task"), max_length=200)
    arguments = models.JSONField(_("arguments"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES, default=QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    log = models.JSONField(_("log"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ("-created", "-pk")
        indexes = [models.Index(fields=["status", "finished"])]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class PeriodicRun(BaseModel):
    """One run of a registered periodic task (core.jobs.periodic): when, how, with what result.

    ``(name, slot)`` is unique: when several consumers fire the same schedule, one claims the run.
    """

    RUNNING, SUCCEEDED, FAILED, RETRYING = "running", "succeeded", "failed", "retrying"
    STATUS_CHOICES = [
        (RUNNING, _("running")),
        (RETRYING, _("retrying")),
        (SUCCEEDED, _("succeeded")),
        (FAILED, _("failed")),
    ]

    name = models.CharField(_("task"), max_length=200, db_index=True)
    task_id = models.CharField(_("queue task id"), max_length=64, unique=True)
    slot = models.DateTimeField(_("scheduled for"))
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES, default=RUNNING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    started = models.DateTimeField(_("started"))
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("periodic task run")
        verbose_name_plural = _("periodic task runs")
        ordering = ("-started", "-pk")
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="periodicrun_one_per_slot")]

    def __str__(self) -> str:
        # The task's label and the slot in local time, as every other time on the page.
        from whitewall.core.jobs import get_periodic

        spec = get_periodic(self.name)
        slot = timezone.localtime(self.slot) if self.slot and timezone.is_aware(self.slot) else self.slot
        return f"{spec.label if spec else self.name} @ {slot:%Y-%m-%d %H:%M}"
