"""The audit trail's REST API: events (read only, the explorer's filters), signed checkpoints,
verification of the chain (as a job), and the review of security-relevant events.

Nothing here can change or delete an event: there is no such route, and the database refuses it.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from whitewall.audit import services
from whitewall.audit.filtersets import AuditEventFilterSet
from whitewall.audit.models import ANOMALY_ACTIONS, AnomalyReview, AuditEvent
from whitewall.audit.tasks import VERIFY_TASK, start_verification
from whitewall.core.api.mixins import ThrottleFirstMixin
from whitewall.core.api.permissions import ObjectPermissions
from whitewall.core.api.serializers import ModelCleanSerializer
from whitewall.core.api.viewsets import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from whitewall.core.models import Job
from whitewall.core.permissions import VIEW

VERIFY = "verify"


class NewestFirstCursorPagination(CursorPagination):
    """``?cursor=…`` over events, newest first (stable while events are appended)."""

    ordering = "-seq"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


# --- events ---------------------------------------------------------------------------------------------
class AuditEventSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="seq", read_only=True)
    action_label = serializers.SerializerMethodField()
    before = serializers.JSONField(source="before_data", read_only=True)
    after = serializers.JSONField(source="after_data", read_only=True)
    extra = serializers.JSONField(source="extra_data", read_only=True)

    class Meta:
        model = AuditEvent
        fields = (
            "id",
            "seq",
            "time",
            "actor_id",
            "actor_username",
            "ip",
            "user_agent",
            "request_id",
            "action",
            "action_label",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "extra",
            "prev_hash",
            "hash",
        )
        read_only_fields = fields

    def get_action_label(self, event) -> str:
        return str(event.action_label)


class JobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The job's console page (live progress).")

    class Meta:
        model = Job
        fields = (
            "id",
            "name",
            "status",
            "progress",
            "created",
            "started",
            "finished",
            "result",
            "error",
            "url",
        )
        read_only_fields = fields

    def get_url(self, job) -> str:
        return reverse("core:job_detail", kwargs={"pk": job.pk})


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The sequence number.")]
    )
)
class AuditEventViewSet(RestrictedReadOnlyViewSet):
    """The audit trail, newest first, with the explorer's filters (actor, action, object, dates)."""

    model = AuditEvent
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    pagination_class = NewestFirstCursorPagination

    def base_queryset(self):
        return AuditEvent.objects.all()

    @extend_schema(request=None, responses={202: JobSerializer}, filters=False)
    @action(
        detail=False, methods=["post"], permission_action=VERIFY, filterset_class=None, pagination_class=None
    )
    def verify(self, request):
        """Verify the whole chain (as ``whitewall audit verify`` does) in a background job.

        Needs ``audit.verify_auditevent``. Answers the job at once; follow it under
        ``/api/v1/audit/verifications/{id}/``: its ``result`` says ``ok`` or names the first bad event.
        """
        job = start_verification(user=request.user)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class VerificationViewSet(ThrottleFirstMixin, viewsets.ReadOnlyModelViewSet):
    """Verification jobs of the audit chain and their results (``audit.verify_auditevent``)."""

    model = AuditEvent  # the permission: verify on audit events
    permission_action = VERIFY
    permission_classes = [ObjectPermissions]
    serializer_class = JobSerializer
    filterset_class = None
    filter_backends = []

    def get_queryset(self):
        return Job.objects.filter(task=VERIFY_TASK).order_by("-created", "-pk")


# --- checkpoints ---------------------------------------------------------------------------------------
class CheckpointSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="The last event the checkpoint covers.")
    hash = serializers.CharField()
    count = serializers.IntegerField()
    time = serializers.CharField()
    valid = serializers.BooleanField(help_text="false: the signature does not match (the file was altered).")
    line = serializers.IntegerField()


class CheckpointViewSet(ThrottleFirstMixin, viewsets.ViewSet):
    """The signed checkpoints of the chain (latest sequence number, hash, count), newest first."""

    model = AuditEvent  # reading them needs audit.view_auditevent
    permission_classes = [ObjectPermissions]
    serializer_class = CheckpointSerializer

    @extend_schema(responses=CheckpointSerializer(many=True))
    def list(self, request):
        marks = sorted(services.read_checkpoints(), key=lambda mark: mark.line, reverse=True)
        return Response(CheckpointSerializer(marks[:200], many=True).data)


# --- anomaly reviews -----------------------------------------------------------------------------------
class AnomalyReviewSerializer(ModelCleanSerializer):
    event = serializers.IntegerField(
        source="event_seq", help_text="The security-relevant event reviewed (its sequence number)."
    )

    class Meta:
        model = AnomalyReview
        fields = ("id", "event", "reviewer_id", "reviewer_username", "note", "created")
        read_only_fields = ("reviewer_id", "reviewer_username", "created")

    def validate_event(self, value):
        request = self.context["request"]
        event = AuditEvent.objects.restrict(request.user, VIEW).filter(seq=value).first()
        if event is None:
            raise serializers.ValidationError(_("There is no such event."))
        if event.action not in ANOMALY_ACTIONS:
            raise serializers.ValidationError(_("This event is not a security event that needs review."))
        if AnomalyReview.objects.filter(event_seq=value).exists():
            raise serializers.ValidationError(_("This event has already been reviewed."))
        return value


class AnomalyReviewViewSet(RestrictedModelViewSet):
    """Reviews of security-relevant events (failed logins, lockouts, denials, MFA removals)."""

    model = AnomalyReview
    serializer_class = AnomalyReviewSerializer
    filterset_class = None
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return AnomalyReview.objects.all()

    def perform_write(self, serializer):
        data = serializer.validated_data
        event = AuditEvent.objects.get(seq=data["event_seq"])
        services.anomaly_review(actor=self.request.user, events=[event], note=data.get("note", ""))
        return AnomalyReview.objects.get(event_seq=event.seq)

    @extend_schema(responses=AuditEventSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], url_path="pending", filterset_class=None, permission_action=VIEW)
    def pending(self, request):
        """Security-relevant events nobody has reviewed yet, newest first."""
        reviewed = AnomalyReview.objects.filter(event_seq=OuterRef("seq"))
        events = (
            AuditEvent.objects.restrict(request.user, VIEW)
            .filter(action__in=ANOMALY_ACTIONS)
            .exclude(Exists(reviewed))
            .order_by("-seq")
        )
        paginator = NewestFirstCursorPagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(AuditEventSerializer(page, many=True).data)
