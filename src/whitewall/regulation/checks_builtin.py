"""The regulation board's own clause checks: 1.1 (a version in force) and 1.3.2 (acknowledged).

Both compute their result for ``as_of()``, so they can be recomputed truthfully for a past moment.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.config.policy import get_policy
from whitewall.regulation.checks import CheckResult, Status, as_of, clause_check
from whitewall.regulation.models import Acknowledgement, RegulationVersion


def _version_in_force(moment):
    published = RegulationVersion.objects.filter(published_at__isnull=False, published_at__lte=moment)
    current = published.filter(effective_date__lte=timezone.localdate(moment)).order_by(
        "-effective_date", "-published_at"
    )
    return published, current.first()


@clause_check("1.1", historical=True)
def regulation_version_in_force() -> CheckResult:
    moment = as_of()
    published, current = _version_in_force(moment)
    versions_url = reverse("regulation:regulationversion_list")
    if current is not None:
        return CheckResult(
            Status.GREEN,
            _("Version %(number)s (%(name)s) is in force since %(date)s.")
            % {"number": current.number, "name": current.name, "date": current.effective_date.isoformat()},
            evidence_url=reverse("regulation:regulationversion_detail", kwargs={"pk": current.pk}),
            figures={"version": current.number, "effective_date": current.effective_date.isoformat()},
        )
    upcoming = published.order_by("effective_date").first()
    if upcoming is not None:
        return CheckResult(
            Status.AMBER,
            _(
                "Version %(number)s is published but takes effect only on %(date)s; no version is in force yet."
            )
            % {"number": upcoming.number, "date": upcoming.effective_date.isoformat()},
            evidence_url=versions_url,
            figures={"version": upcoming.number, "effective_date": upcoming.effective_date.isoformat()},
        )
    return CheckResult(
        Status.RED, _("No regulation version has been published."), evidence_url=versions_url, figures={}
    )


@clause_check("1.3.2", historical=True)
def staff_acknowledged_the_version_in_force() -> CheckResult:
    moment = as_of()
    _published, version = _version_in_force(moment)
    if version is None:
        return CheckResult(
            Status.RED,
            _("No regulation version is in force, so nobody can acknowledge one."),
            evidence_url=reverse("regulation:regulationversion_list"),
        )
    # Today's active staff, less those hired after the moment (accounts keep no history of status).
    staff = (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(staff_profile__hire_date__gt=timezone.localdate(moment))
    )
    total = staff.count()
    evidence = reverse("regulation:regulationversion_detail", kwargs={"pk": version.pk})
    if total == 0:
        return CheckResult(Status.AMBER, _("There are no active staff members to acknowledge."), evidence)
    done = (
        Acknowledgement.objects.filter(version=version, acknowledged_at__lte=moment, user__in=staff)
        .values("user")
        .distinct()
        .count()
    )
    rules = get_policy().regulation
    target, amber = rules.acknowledgement_target_percent, rules.acknowledgement_amber_percent
    percent = done * 100 / total
    figures = {
        "acknowledged": done,
        "staff": total,
        "pending": total - done,
        "percent": round(percent, 1),
        "target_percent": target,
        "amber_percent": amber,
        "version": version.number,
    }
    values = {
        "done": done,
        "total": total,
        "percent": f"{percent:.0f}" if done in (0, total) else f"{percent:.1f}",
        "number": version.number,
        "target": target,
        "pending": total - done,
    }
    if done * 100 >= target * total:
        return CheckResult(
            Status.GREEN,
            _(
                "%(done)d of %(total)d active staff (%(percent)s%%) acknowledged version %(number)s; target %(target)d%%."
            )
            % values,
            evidence,
            figures,
        )
    status = Status.AMBER if done * 100 >= amber * total else Status.RED
    return CheckResult(
        status,
        _(
            "%(done)d of %(total)d active staff (%(percent)s%%) acknowledged version %(number)s; "
            "%(pending)d still to do, target %(target)d%%."
        )
        % values,
        evidence,
        figures,
    )
