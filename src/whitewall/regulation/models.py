"""The executable regulation: clauses, regulation versions, acknowledgements and check snapshots."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from whitewall.core.models import BaseModel
from whitewall.core.querysets import RestrictedQuerySet
from whitewall.regulation.checks import Status


def _english() -> bool:
    return (translation.get_language() or settings.LANGUAGE_CODE).startswith("en")


class Chapter(BaseModel):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=100)

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        ordering = ("number",)

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def title(self) -> str:
        return self.title_en if _english() else self.title_zh


class Clause(BaseModel):
    """One numbered rule of the regulation, in our own bilingual wording."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    chapter = models.ForeignKey(
        Chapter, verbose_name=_("chapter"), on_delete=models.PROTECT, related_name="clauses"
    )
    section = models.CharField(_("section"), max_length=20)
    section_title_zh = models.CharField(_("section title (Chinese)"), max_length=100)
    section_title_en = models.CharField(_("section title (English)"), max_length=100)
    sort_key = models.CharField(_("sort key"), max_length=40, db_index=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=100)
    text_zh = models.TextField(_("text (Chinese)"))
    text_en = models.TextField(_("text (English)"))
    features_zh = models.TextField(_("features (Chinese)"), blank=True)
    features_en = models.TextField(_("features (English)"), blank=True)
    check_zh = models.TextField(_("check (Chinese)"), blank=True)
    check_en = models.TextField(_("check (English)"), blank=True)

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ("sort_key",)

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("regulation:clause_detail", kwargs={"code": self.code})

    @property
    def title(self) -> str:
        return self.title_en if _english() else self.title_zh

    @property
    def text(self) -> str:
        return self.text_en if _english() else self.text_zh

    @property
    def features(self) -> str:
        return self.features_en if _english() else self.features_zh

    @property
    def check_description(self) -> str:
        return self.check_en if _english() else self.check_zh

    @property
    def section_title(self) -> str:
        return self.section_title_en if _english() else self.section_title_zh


class RegulationVersionQuerySet(RestrictedQuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def in_effect(self, on: datetime.date | None = None):
        """Published versions whose effective date has come, newest first."""
        on = on or timezone.localdate()
        return self.published().filter(effective_date__lte=on).order_by("-effective_date", "-published_at")

    def current(self, on: datetime.date | None = None):
        """The version in force: the latest published one whose effective date has come."""
        return self.in_effect(on).first()


class RegulationVersion(BaseModel):
    number = models.CharField(
        _("version number"), max_length=20, unique=True, help_text=_("e.g. 1.0 or 2026.1")
    )
    name = models.CharField(_("name"), max_length=200)
    effective_date = models.DateField(_("effective date"))
    summary = models.TextField(_("summary of changes"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = RegulationVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("regulation version")
        verbose_name_plural = _("regulation versions")
        ordering = ("-effective_date", "-number")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Acknowledgement(BaseModel):
    """A staff member confirms having read a regulation version (阅知确认)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="regulation_acknowledgements",
    )
    version = models.ForeignKey(
        RegulationVersion,
        verbose_name=_("regulation version"),
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ("-acknowledged_at",)
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="acknowledgement_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.version.number}"


class AcknowledgementReminder(models.Model):
    """A reminder to acknowledge was due and announced; at most one per user, version and day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="+"
    )
    version = models.ForeignKey(
        RegulationVersion, verbose_name=_("regulation version"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("acknowledgement reminder")
        verbose_name_plural = _("acknowledgement reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "version", "day"], name="one_reminder_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.version_id} · {self.day}"


class CheckRun(BaseModel):
    """One run of every clause check. A scheduled run claims its time slot: ``slot`` is unique,
    so a second consumer that tries the same slot finds it taken and does nothing."""

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        ON_DEMAND = "on_demand", _("on demand")
        RECOMPUTED = "recomputed", _("recomputed for a past moment")

    slot = models.BigIntegerField(_("slot"), null=True, blank=True, unique=True, editable=False)
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # {"green": n, "amber": n, "red": n, "not_built": n} over every clause at the time of the run.
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("check run")
        verbose_name_plural = _("check runs")
        ordering = ("-started_at",)

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


STATUS_CHOICES = [(status.value, status.label) for status in Status]


class CheckSnapshot(BaseModel):
    """The result of one clause's check in one run (kept for ``snapshot_keep_days``)."""

    run = models.ForeignKey(
        CheckRun, verbose_name=_("check run"), on_delete=models.CASCADE, related_name="snapshots"
    )
    clause = models.ForeignKey(
        Clause, verbose_name=_("clause"), on_delete=models.CASCADE, related_name="snapshots"
    )
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES)
    explanation = models.TextField(_("explanation"), blank=True)
    # The explanation in each interface language, {"zh-hans": "...", "en": "..."}.
    explanations = models.JSONField(_("explanations"), default=dict, blank=True)
    evidence_url = models.CharField(_("evidence"), max_length=500, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)

    class Meta:
        verbose_name = _("check snapshot")
        verbose_name_plural = _("check snapshots")
        ordering = ("-taken_at",)
        indexes = [models.Index(fields=["clause", "-taken_at"], name="snapshot_clause_taken")]

    def __str__(self) -> str:
        return f"{self.clause.code} {self.status} {timezone.localtime(self.taken_at):%Y-%m-%d %H:%M}"

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def localized_explanation(self) -> str:
        language = translation.get_language() or settings.LANGUAGE_CODE
        return self.explanations.get(language) or self.explanation
