"""The regulation board, clause pages, the printable report, versions and acknowledgements."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from whitewall.core.permissions import has_model_permission, permission_constraints
from whitewall.core.tables import Column
from whitewall.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectPermissionRequiredMixin,
)
from whitewall.core.views.generic import safe_return_url
from whitewall.regulation import selectors, services
from whitewall.regulation.checks import Status
from whitewall.regulation.filtersets import RegulationVersionFilterSet
from whitewall.regulation.forms import RegulationVersionForm
from whitewall.regulation.models import (
    Acknowledgement,
    AcknowledgementReminder,
    Chapter,
    CheckRun,
    Clause,
    RegulationVersion,
)

STATUS_COLOURS = {
    Status.GREEN.value: "#198754",
    Status.AMBER.value: "#e0a800",
    Status.RED.value: "#dc3545",
    Status.NOT_BUILT.value: "#adb5bd",
}


def status_labels() -> dict[str, str]:
    labels = {status.value: str(status.label) for status in Status}
    labels[selectors.PENDING] = _("Waiting for the next run")
    return labels


def _trend_payload(trend: dict) -> dict:
    labels = status_labels()
    return {
        "dates": trend["dates"],
        "recomputed": trend["recomputed"],
        "series": [
            {"key": key, "name": labels[key], "color": STATUS_COLOURS[key], "data": trend["series"][key]}
            for key in selectors.STATUS_ORDER
        ],
        "recomputedLabel": _("recomputed for a past moment"),
        "empty": _("No check has run yet."),
    }


def _can_run_checks(user) -> bool:
    return permission_constraints(user, "regulation.run_checkrun") is not None


# --- the board -----------------------------------------------------------------------------------
class BoardView(ObjectPermissionRequiredMixin, View):
    model = Clause

    def get(self, request):
        status = request.GET.get("status", "")
        if status not in [*selectors.STATUS_ORDER, selectors.PENDING]:
            status = ""
        data = selectors.board(request.user, status or None)
        labels = status_labels()
        summary = [
            {"status": key, "label": labels[key], "count": data["counts"][key]}
            for key in [*selectors.STATUS_ORDER, selectors.PENDING]
            if key != selectors.PENDING or data["counts"][key]
        ]
        context = {
            **data,
            "summary": summary,
            "status_filter": status,
            "status_filter_label": labels.get(status, ""),
            "trend": _trend_payload(selectors.trend()),
            "can_run": _can_run_checks(request.user),
            "version": RegulationVersion.objects.current(),
            "can_view_versions": has_model_permission(request.user, RegulationVersion, "view"),
        }
        return render(request, "regulation/board.html", context)


class RunChecksView(ObjectPermissionRequiredMixin, View):
    """POST: run every clause check now."""

    model = CheckRun
    permission_action = "run"

    def post(self, request):
        run = services.checks_run_now(actor=request.user)
        counts = run.counts
        messages.success(
            request,
            _(
                "Checks ran: %(green)d carried out, %(amber)d need attention, %(red)d not carried out, "
                "%(not_built)d not built yet."
            )
            % {key: counts.get(key, 0) for key in ("green", "amber", "red", "not_built")},
        )
        return HttpResponseRedirect(safe_return_url(request, reverse("regulation:board")))


class ClauseDetailView(ObjectPermissionRequiredMixin, View):
    model = Clause

    def get(self, request, code):
        clause = get_object_or_404(
            Clause.objects.restrict(request.user, "view").select_related("chapter"), code=code
        )
        history = selectors.clause_history(request.user, clause)
        latest = selectors.latest_statuses(request.user)
        status = latest["statuses"].get(clause.code, Status.NOT_BUILT.value)
        snapshot = latest["snapshots"].get(clause.code)
        context = {
            "clause": clause,
            "status": status,
            "snapshot": snapshot,
            "run": latest["run"],
            "history": history,
            "history_chart": {
                "dates": [
                    timezone.localtime(s.taken_at).strftime("%Y-%m-%d %H:%M") for s in reversed(history)
                ],
                "statuses": [s.status for s in reversed(history)],
                "levels": {"red": 0, "amber": 1, "green": 2},
                "labels": status_labels(),
                "colors": STATUS_COLOURS,
            },
            "policy_sections": [
                {"key": key, "url": reverse("console:policy") + f"#policy-{key}"}
                for key in selectors.policy_sections_for(clause.code)
            ],
            "can_run": _can_run_checks(request.user),
        }
        return render(request, "regulation/clause_detail.html", context)


class ReportView(ObjectPermissionRequiredMixin, View):
    """The whole board on one printable page."""

    model = Clause

    def get(self, request):
        data = selectors.board(request.user)
        labels = status_labels()
        for chapter in data["chapters"]:
            for row in chapter["rows"]:
                snapshot = row["snapshot"]
                row["evidence"] = (
                    request.build_absolute_uri(snapshot.evidence_url)
                    if snapshot and snapshot.evidence_url
                    else ""
                )
        context = {
            **data,
            "summary": [
                {"status": key, "label": labels[key], "count": data["counts"][key]}
                for key in [*selectors.STATUS_ORDER, selectors.PENDING]
                if key != selectors.PENDING or data["counts"][key]
            ],
            "version": RegulationVersion.objects.current(),
            "generated_at": timezone.now(),
        }
        return render(request, "regulation/report.html", context)


# --- regulation versions ---------------------------------------------------------------------------
def _version_state(version: RegulationVersion):
    if not version.is_published:
        return format_html('<span class="badge text-bg-light border">{}</span>', _("draft"))
    if version.effective_date > timezone.localdate():
        return format_html('<span class="badge text-bg-info">{}</span>', _("published, not yet in effect"))
    return format_html('<span class="badge text-bg-success">{}</span>', _("published"))


class RegulationVersionListView(ObjectListView):
    model = RegulationVersion
    filterset_class = RegulationVersionFilterSet
    default_ordering = ("-effective_date", "-number")
    columns = [
        Column("number", order_by="number", linkify=True),
        Column("name", order_by="name"),
        Column("effective_date", order_by="effective_date"),
        Column("state", gettext_lazy("state"), render=_version_state, order_by="published_at"),
        Column("published_at", order_by="published_at"),
        Column("acknowledgement_count", gettext_lazy("acknowledgements"), order_by="acknowledgement_count"),
    ]

    def base_queryset(self):
        return RegulationVersion.objects.annotate(acknowledgement_count=Count("acknowledgements"))

    def delete_object(self, obj):
        services.regulation_version_check_editable(obj)
        obj.delete()


class RegulationVersionDetailView(ObjectDetailView):
    model = RegulationVersion
    template_name = "regulation/regulationversion_detail.html"
    detail_fields = ["number", "name", "effective_date", "summary", "published_at", "published_by"]

    def base_queryset(self):
        return RegulationVersion.objects.select_related("published_by")

    def extra_context(self, obj):
        user = self.request.user
        current = RegulationVersion.objects.current()
        acknowledgements = list(
            Acknowledgement.objects.restrict(user, "view")
            .filter(version=obj)
            .select_related("user")
            .order_by("-acknowledged_at")
        )
        context = {
            "is_current": current is not None and current.pk == obj.pk,
            "can_publish": not obj.is_published
            and RegulationVersion.objects.restrict(user, "publish").filter(pk=obj.pk).exists(),
            "acknowledgements": acknowledgements,
            "state": _version_state(obj),
        }
        if obj.is_published and has_model_permission(user, Acknowledgement, "view"):
            staff = services.active_staff()
            total = staff.count()
            done = Acknowledgement.objects.filter(version=obj, user__in=staff).count()
            context["progress"] = {
                "total": total,
                "done": done,
                "percent": round(done * 100 / total, 1) if total else 0,
            }
            # Who still has to acknowledge: only for those who may see everyone's acknowledgements.
            constraints = permission_constraints(user, "regulation.view_acknowledgement")
            if constraints is not None and not constraints:  # unconstrained: sees everyone's
                reminders = {
                    row["user"]: row
                    for row in AcknowledgementReminder.objects.filter(version=obj)
                    .values("user")
                    .annotate(count=Count("pk"), last=Max("sent_at"))
                }
                pending = list(
                    staff.exclude(regulation_acknowledgements__version=obj)
                    .select_related("staff_profile__department")
                    .order_by("username")
                )
                for person in pending:
                    person.reminders = reminders.get(person.pk)
                context["pending"] = pending
        return context


class RegulationVersionEditView(ObjectEditView):
    model = RegulationVersion
    form_class = RegulationVersionForm

    def save(self, form):
        services.regulation_version_check_editable(form.instance)
        return form.save()


class RegulationVersionDeleteView(ObjectDeleteView):
    model = RegulationVersion

    def delete(self, obj):
        services.regulation_version_check_editable(obj)
        obj.delete()


class RegulationVersionPublishView(ObjectPermissionRequiredMixin, View):
    model = RegulationVersion
    permission_action = "publish"

    def post(self, request, pk):
        version = get_object_or_404(self.restricted("publish"), pk=pk)
        try:
            services.regulation_version_publish(actor=request.user, version=version)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        except PermissionDenied:
            raise
        else:
            messages.success(
                request,
                _("Published version %(number)s; it is in force from %(date)s.")
                % {"number": version.number, "date": version.effective_date.isoformat()},
            )
        return HttpResponseRedirect(reverse("regulation:regulationversion_detail", kwargs={"pk": version.pk}))


# --- my acknowledgement -----------------------------------------------------------------------------
class AcknowledgementMineView(View):
    """Every active staff member's own page: read the version in force and acknowledge it."""

    template_name = "regulation/acknowledgement_mine.html"

    def context(self, request):
        user = request.user
        current = RegulationVersion.objects.current()
        mine = None
        reminders = []
        if current is not None:
            mine = Acknowledgement.objects.filter(user=user, version=current).first()
            reminders = list(
                AcknowledgementReminder.objects.filter(user=user, version=current).order_by("-sent_at")
            )
        chapters = []
        if current is not None:
            clauses = Clause.objects.select_related("chapter").order_by("sort_key")
            by_chapter: dict[int, list] = {}
            for clause in clauses:
                by_chapter.setdefault(clause.chapter_id, []).append(clause)
            chapters = [
                {"chapter": chapter, "clauses": by_chapter.get(chapter.pk, [])}
                for chapter in Chapter.objects.order_by("number")
            ]
        return {
            "version": current,
            "mine": mine,
            "reminders": reminders,
            "chapters": chapters,
            "history": Acknowledgement.objects.filter(user=user).select_related("version"),
        }

    def get(self, request):
        return render(request, self.template_name, self.context(request))

    def post(self, request):
        version_id = request.POST.get("version", "")
        version = RegulationVersion.objects.filter(pk=version_id).first() if version_id.isdigit() else None
        if version is None:
            messages.error(request, _("Choose the regulation version to acknowledge."))
        else:
            try:
                services.acknowledgement_create(actor=request.user, version=version)
            except ValidationError as exc:
                messages.error(request, "; ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("Thank you: you acknowledged version %(number)s.") % {"number": version.number},
                )
        return HttpResponseRedirect(safe_return_url(request, reverse("regulation:acknowledgement_mine")))
