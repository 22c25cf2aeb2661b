"""The audit explorer and the anomaly review queue. Read-only: there are no add/edit/delete views."""

from __future__ import annotations

import json

import django_filters
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from whitewall.audit import services
from whitewall.audit.filtersets import AuditEventFilterSet
from whitewall.audit.models import ANOMALY_ACTIONS, AnomalyReview, AuditEvent
from whitewall.audit.tasks import start_verification
from whitewall.core.permissions import ADD, VIEW, has_model_permission
from whitewall.core.tables import Column
from whitewall.core.urls_helpers import url_name
from whitewall.core.views import BulkAction, ObjectDetailView, ObjectListView, ObjectPermissionRequiredMixin

ACTION_STYLES = {
    "create": "success",
    "update": "primary",
    "delete": "danger",
    "login_failed": "warning",
    "lockout": "danger",
    "permission_denied": "warning",
    "mfa_removed": "warning",
    "mfa_failed": "warning",
    "export": "info",
    "reveal": "info",
    "policy_change": "dark",
}


def action_badge(event: AuditEvent):
    style = ACTION_STYLES.get(event.action, "secondary")
    return format_html('<span class="badge text-bg-{}">{}</span>', style, event.action_label)


def object_url_of(event: AuditEvent) -> str | None:
    """The detail page of the event's object, if it has one (no query: the object may be gone)."""
    if not event.object_type or not event.object_id or "." not in event.object_type:
        return None
    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return None
    if model._meta.label_lower == "auth.group":
        model = apps.get_model("accounts", "Role")
    try:
        return reverse(url_name(model, "detail"), kwargs={"pk": int(event.object_id)})
    except (NoReverseMatch, ValueError):
        return None


def object_link(event: AuditEvent):
    text = event.object_repr or event.object_id or "—"
    url = object_url_of(event)
    return format_html('<a href="{}">{}</a>', url, text) if url else text


COLUMNS = [
    Column("seq", gettext_lazy("event"), order_by="seq", linkify=True),
    Column("time", order_by="time"),
    Column("actor", gettext_lazy("actor"), render=lambda e: e.actor_label, order_by="actor_username"),
    Column("action", render=action_badge, order_by="action"),
    Column("object_type", order_by="object_type"),
    Column("object_repr", render=object_link),
    Column("ip"),
]


VERIFY = "verify"


class AuditEventListView(ObjectListView):
    model = AuditEvent
    template_name = "audit/auditevent_list.html"
    filterset_class = AuditEventFilterSet
    allow_bulk_delete = False
    default_ordering = ("-seq",)
    columns = COLUMNS

    def extra_context(self):
        return {"can_verify": has_model_permission(self.request.user, AuditEvent, VERIFY)}


class AuditVerifyView(ObjectPermissionRequiredMixin, View):
    """POST: verify the whole chain in a background job (what ``whitewall audit verify`` does) and
    show that job, whose page follows its progress and ends with the result."""

    model = AuditEvent
    permission_action = VERIFY

    def post(self, request):
        job = start_verification(user=request.user)
        messages.info(
            request,
            _("The audit chain is being verified; this page shows the result when the job ends."),
        )
        return HttpResponseRedirect(job.get_absolute_url())


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def diff_rows(event: AuditEvent) -> list[dict]:
    before, after = event.before_data, event.after_data
    before = before if isinstance(before, dict) else ({} if before is None else {"": before})
    after = after if isinstance(after, dict) else ({} if after is None else {"": after})
    rows = []
    for key in sorted(set(before) | set(after)):
        rows.append(
            {
                "field": key,
                "before": _display(before.get(key)) if key in before else None,
                "after": _display(after.get(key)) if key in after else None,
                "changed": before.get(key) != after.get(key) or key in event.extra_data.get("changed", ()),
            }
        )
    return rows


class AuditEventDetailView(ObjectDetailView):
    model = AuditEvent
    template_name = "audit/auditevent_detail.html"
    detail_fields = ["seq", "time", "actor_username", "actor_id", "ip", "user_agent", "request_id"]

    def extra_context(self, obj):
        user = self.request.user
        review = AnomalyReview.objects.filter(event_seq=obj.seq).first() if obj.is_anomaly else None
        extra = {key: _display(value) for key, value in obj.extra_data.items() if key != "changed"}
        return {
            "diff": diff_rows(obj),
            "extra_rows": sorted(extra.items()),
            "hash_ok": services.compute_hash(services.canonical(obj)) == obj.hash,
            "object_link": object_link(obj),
            "action_badge": action_badge(obj),
            "review": review,
            "can_review": obj.is_anomaly
            and review is None
            and has_model_permission(user, AnomalyReview, ADD),
        }


def _mark_reviewed(view, queryset) -> int:
    return services.anomaly_review(actor=view.request.user, events=queryset)


class AnomalyFilterSet(AuditEventFilterSet):
    reviewed = django_filters.BooleanFilter(method="filter_reviewed", label=gettext_lazy("reviewed"))

    class Meta(AuditEventFilterSet.Meta):
        fields = ("q", "reviewed", "action", "actor", "since", "until")

    def filter_reviewed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(reviewed=value)


def reviewed_badge(event):
    if getattr(event, "reviewed", False):
        return format_html('<span class="badge text-bg-success">{}</span>', _("reviewed"))
    return format_html('<span class="badge text-bg-warning">{}</span>', _("to review"))


class AnomalyQueueView(ObjectListView):
    """Security-relevant events (failed logins, lockouts, denials, MFA removals) and their review."""

    model = AuditEvent
    filterset_class = AnomalyFilterSet
    allow_bulk_delete = False
    default_ordering = ("-seq",)
    bulk_actions = [
        BulkAction("review", gettext_lazy("Mark reviewed"), VIEW, _mark_reviewed, style="outline-success")
    ]
    columns = [
        *COLUMNS[:4],
        Column("object_repr", render=object_link),
        Column("ip"),
        Column("reviewed", gettext_lazy("review"), render=reviewed_badge),
    ]

    def base_queryset(self):
        reviewed = AnomalyReview.objects.filter(event_seq=OuterRef("seq"))
        return AuditEvent.objects.filter(action__in=ANOMALY_ACTIONS).annotate(reviewed=Exists(reviewed))

    def get_bulk_actions(self):
        if not has_model_permission(self.request.user, AnomalyReview, ADD):
            return []
        return super().get_bulk_actions()

    def model_context(self):
        context = super().model_context()
        context["verbose_name_plural"] = _("Security events to review")
        context["list_url"] = reverse("audit:auditevent_anomalies")
        return context


class AnomalyReviewView(ObjectPermissionRequiredMixin, View):
    """POST: mark one security-relevant event reviewed, with an optional note."""

    model = AnomalyReview
    permission_action = ADD

    def post(self, request, pk):
        event = get_object_or_404(AuditEvent.objects.restrict(request.user, VIEW), pk=pk)
        try:
            done = services.anomaly_review(
                actor=request.user, events=[event], note=request.POST.get("note", "")
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        else:
            if done:
                messages.success(request, _("Event #%(seq)d marked reviewed.") % {"seq": event.seq})
            else:
                messages.warning(request, _("Event #%(seq)d needs no review.") % {"seq": event.seq})
        return HttpResponseRedirect(event.get_absolute_url())
