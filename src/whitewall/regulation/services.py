"""Business operations of the regulation board (HackSoft-style services).

Audit events come with the audit trail, which captures writes through its own plumbing; these
services only check permission, validate and write.
"""

from __future__ import annotations

import datetime
import json
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from whitewall.config.policy import get_policy
from whitewall.core.permissions import permission_constraints
from whitewall.regulation import catalogue, checks
from whitewall.regulation.checks import Status
from whitewall.regulation.models import (
    Acknowledgement,
    AcknowledgementReminder,
    Chapter,
    CheckRun,
    CheckSnapshot,
    Clause,
    RegulationVersion,
)
from whitewall.regulation.signals import acknowledgement_due

logger = logging.getLogger(__name__)


def _require(actor, perm: str) -> None:
    if actor is not None and permission_constraints(actor, perm) is None:
        raise PermissionDenied(_("You do not have permission to do this."))


# --- clauses -------------------------------------------------------------------------------------
@transaction.atomic
def clause_sync() -> dict[str, int]:
    """Bring chapters and clauses in line with the catalogue (idempotent; run after migrate)."""
    chapters = {c.number: c for c in Chapter.objects.all()}
    changed_chapters = 0
    for number, (title_zh, title_en) in catalogue.CHAPTERS.items():
        chapter = chapters.get(number)
        if chapter is None:
            chapters[number] = Chapter.objects.create(number=number, title_zh=title_zh, title_en=title_en)
            changed_chapters += 1
        elif (chapter.title_zh, chapter.title_en) != (title_zh, title_en):
            chapter.title_zh, chapter.title_en = title_zh, title_en
            chapter.save(update_fields=["title_zh", "title_en", "updated"])
            changed_chapters += 1
    existing = {c.code: c for c in Clause.objects.all()}
    created = updated = 0
    fields = (
        "section",
        "section_title_zh",
        "section_title_en",
        "sort_key",
        "title_zh",
        "title_en",
        "text_zh",
        "text_en",
        "features_zh",
        "features_en",
        "check_zh",
        "check_en",
    )
    for entry in catalogue.CLAUSES:
        section_zh, section_en = catalogue.SECTIONS[entry.section]
        values = {
            "chapter": chapters[entry.chapter],
            "section": entry.section,
            "section_title_zh": section_zh,
            "section_title_en": section_en,
            "sort_key": entry.sort_key,
            "title_zh": entry.title_zh,
            "title_en": entry.title_en,
            "text_zh": entry.text_zh,
            "text_en": entry.text_en,
            "features_zh": entry.features_zh,
            "features_en": entry.features_en,
            "check_zh": entry.check_zh,
            "check_en": entry.check_en,
        }
        clause = existing.get(entry.code)
        if clause is None:
            Clause.objects.create(code=entry.code, **values)
            created += 1
            continue
        if clause.chapter_id != values["chapter"].pk or any(
            getattr(clause, name) != values[name] for name in fields
        ):
            for name, value in values.items():
                setattr(clause, name, value)
            clause.save()
            updated += 1
    return {"chapters": changed_chapters, "created": created, "updated": updated}


# --- regulation versions -----------------------------------------------------------------------
@transaction.atomic
def regulation_version_publish(*, actor, version: RegulationVersion) -> RegulationVersion:
    """Publish a version: from its effective date on, it is the regulation in force."""
    if (
        actor is not None
        and not RegulationVersion.objects.restrict(actor, "publish").filter(pk=version.pk).exists()
    ):
        raise PermissionDenied(_("You do not have permission to do this."))
    version = RegulationVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise ValidationError(_("Version %(number)s is already published.") % {"number": version.number})
    current = RegulationVersion.objects.current()
    if current is not None and version.effective_date < current.effective_date:
        raise ValidationError(
            {
                "effective_date": _(
                    "The effective date must not be earlier than that of the version in force "
                    "(%(number)s, %(date)s)."
                )
                % {"number": current.number, "date": current.effective_date.isoformat()}
            }
        )
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["published_at", "published_by", "updated"])
    return version


def regulation_version_check_editable(version: RegulationVersion) -> None:
    if version.pk and RegulationVersion.objects.filter(pk=version.pk, published_at__isnull=False).exists():
        raise ValidationError(
            _("A published version cannot be changed or deleted; publish a new version instead.")
        )


# --- acknowledgements ----------------------------------------------------------------------------
def active_staff():
    return get_user_model().objects.filter(is_staff=True, is_active=True)


@transaction.atomic
def acknowledgement_create(*, actor, version: RegulationVersion) -> Acknowledgement:
    """``actor`` confirms having read ``version``, which must be the version in force."""
    if actor is None or not (actor.is_authenticated and actor.is_active and actor.is_staff):
        raise PermissionDenied(_("Only active staff members acknowledge the regulation."))
    current = RegulationVersion.objects.current()
    if current is None or current.pk != version.pk:
        raise ValidationError(_("Only the regulation version in force can be acknowledged."))
    existing = Acknowledgement.objects.filter(user=actor, version=version).first()
    if existing is not None:
        raise ValidationError(
            _("You acknowledged version %(number)s on %(date)s.")
            % {
                "number": version.number,
                "date": timezone.localtime(existing.acknowledged_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    try:
        with transaction.atomic():
            return Acknowledgement.objects.create(user=actor, version=version)
    except IntegrityError:  # a double click that raced the first
        raise ValidationError(_("You have already acknowledged this version."))


def acknowledgement_due_for(user) -> RegulationVersion | None:
    """The version in force when ``user`` (active staff) has not acknowledged it yet."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    current = RegulationVersion.objects.current()
    if current is None or Acknowledgement.objects.filter(user=user, version=current).exists():
        return None
    return current


@transaction.atomic
def acknowledgement_reminders_send(*, today: datetime.date | None = None) -> int:
    """Record a reminder for every active staff member who has not acknowledged the version in
    force and was not reminded within ``regulation.acknowledgement_reminder_days``; announce each
    with the ``acknowledgement_due`` signal once the transaction commits. A second run on the same
    day finds nothing to do (one reminder per user, version and day)."""
    today = today or timezone.localdate()
    version = RegulationVersion.objects.current(today)
    if version is None:
        return 0
    every = get_policy().regulation.acknowledgement_reminder_days
    quiet_since = today - datetime.timedelta(days=every - 1)
    reminded_recently = AcknowledgementReminder.objects.filter(version=version, day__gte=quiet_since).values(
        "user_id"
    )
    pending = (
        active_staff()
        .exclude(regulation_acknowledgements__version=version)
        .exclude(pk__in=reminded_recently)
        .order_by("pk")
    )
    sent = 0
    for user in pending:
        try:
            with transaction.atomic():
                AcknowledgementReminder.objects.create(user=user, version=version, day=today)
        except IntegrityError:
            continue  # another runner reminded this person today
        transaction.on_commit(
            lambda user=user: acknowledgement_due.send(sender=RegulationVersion, user=user, version=version)
        )
        sent += 1
    return sent


# --- check runs ----------------------------------------------------------------------------------
def _slot(moment: datetime.datetime) -> int:
    return int(moment.timestamp() // (get_policy().regulation.check_minutes * 60))


def check_run_claim(*, now: datetime.datetime | None = None) -> CheckRun | None:
    """Claim the current scheduled slot; None when another runner already has it.

    The slot number is unique in the database, so of two consumers that run the periodic job at
    the same time exactly one inserts the row; the other gets an integrity error and does nothing.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return CheckRun.objects.create(
                slot=_slot(now), trigger=CheckRun.Trigger.SCHEDULED, started_at=now
            )
    except IntegrityError:
        return None


def _jsonable(value) -> dict:
    try:
        return json.loads(json.dumps(value or {}, default=str))
    except (TypeError, ValueError):
        return {}


def _evaluate(code: str) -> tuple[checks.CheckResult, dict[str, str]]:
    """Run one check; its explanation is rendered in every interface language."""
    primary = settings.LANGUAGE_CODE
    with translation.override(primary):
        result = checks.run_check(code)
        explanations = {primary: str(result.explanation)}
    if checks.is_registered(code):
        for language, _name in settings.LANGUAGES:
            if language == primary:
                continue
            with translation.override(language):
                other = checks.run_check(code)
                # Only when the second run saw the same state does its wording describe this result.
                explanations[language] = (
                    str(other.explanation) if other.status == result.status else explanations[primary]
                )
    return result, explanations


def check_run_execute(*, run: CheckRun, as_of: datetime.datetime | None = None) -> CheckRun:
    """Run the registered checks and store a snapshot per clause that has one.

    Clauses without a check are counted as not built yet (no snapshot is stored for them). With
    ``as_of`` only the checks that can compute a past state (``historical``) run, for that moment.
    """
    clauses = {c.code: c for c in Clause.objects.all()}
    taken_at = as_of or timezone.now()
    codes = checks.historical_codes() if as_of else checks.registered_codes()
    counts = dict.fromkeys([s.value for s in Status], 0)
    snapshots = []
    with checks.evaluating_as_of(taken_at):
        for code in codes:
            clause = clauses.get(code)
            if clause is None:
                logger.warning("a check is registered for %s, which is not a clause of the regulation", code)
                continue
            result, explanations = _evaluate(code)
            status = Status(result.status)
            counts[status.value] += 1
            snapshots.append(
                CheckSnapshot(
                    run=run,
                    clause=clause,
                    status=status.value,
                    explanation=explanations[settings.LANGUAGE_CODE],
                    explanations=explanations,
                    evidence_url=(result.evidence_url or "")[:500],
                    figures=_jsonable(result.figures),
                    taken_at=taken_at,
                )
            )
    # A clause with no check at all is not built yet — now, and so at any earlier moment too.
    counts[Status.NOT_BUILT.value] += sum(1 for code in clauses if not checks.is_registered(code))
    # The checks ran outside any transaction (a failing check cannot poison the writes).
    with transaction.atomic():
        CheckSnapshot.objects.bulk_create(snapshots)
        run.counts = counts
        run.finished_at = taken_at if as_of else timezone.now()
        run.save(update_fields=["counts", "finished_at", "updated"])
    return run


def check_run_recompute(*, as_of: datetime.datetime) -> CheckRun:
    """Recompute, for a past moment, the checks that can compute a past state (demo history,
    backfills). The run is marked as recomputed; checks that only know the present are left out."""
    if as_of >= timezone.now():
        raise ValidationError({"as_of": _("A recomputed run must describe a past moment.")})
    run = CheckRun.objects.create(trigger=CheckRun.Trigger.RECOMPUTED, started_at=as_of)
    return check_run_execute(run=run, as_of=as_of)


def checks_run_now(*, actor) -> CheckRun:
    """Run every check at once, on a person's request (``regulation.run_checkrun``)."""
    _require(actor, "regulation.run_checkrun")
    run = CheckRun.objects.create(trigger=CheckRun.Trigger.ON_DEMAND, triggered_by=actor)
    return check_run_execute(run=run)


def snapshots_prune(*, now: datetime.datetime | None = None) -> int:
    """Remove runs (and their snapshots) older than ``regulation.snapshot_keep_days``."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=get_policy().regulation.snapshot_keep_days)
    deleted, _detail = CheckRun.objects.filter(started_at__lt=cutoff).delete()
    return deleted


def scheduled_checks_run(*, now: datetime.datetime | None = None) -> CheckRun | None:
    """The periodic job: claim this slot, run the checks, prune old snapshots."""
    run = check_run_claim(now=now)
    if run is None:
        return None
    check_run_execute(run=run)
    snapshots_prune(now=now)
    return run
