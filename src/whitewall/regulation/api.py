"""The regulation board's REST API: clauses with their latest check status, regulation versions
(publish, acknowledge the version in force), acknowledgements, check runs and their snapshots.

Same restrictions as the console (``restrict()``), same services for every write.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from whitewall.core.api.pagination import SmallPagePagination
from whitewall.core.api.viewsets import RestrictedReadOnlyViewSet
from whitewall.core.permissions import VIEW
from whitewall.regulation import filtersets, selectors, services
from whitewall.regulation.checks import Status
from whitewall.regulation.models import (
    Acknowledgement,
    CheckRun,
    CheckSnapshot,
    Clause,
    RegulationVersion,
)


# --- clauses --------------------------------------------------------------------------------------
class LatestCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckSnapshot
        fields = ("id", "run", "status", "explanation", "evidence_url", "figures", "taken_at")


class ClauseSerializer(serializers.ModelSerializer):
    chapter = serializers.IntegerField(source="chapter.number", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="Latest check status: green, amber, red, not_built, or pending (not run yet)."
    )
    latest_check = serializers.SerializerMethodField()

    class Meta:
        model = Clause
        fields = (
            "id",
            "code",
            "chapter",
            "section",
            "section_title_zh",
            "section_title_en",
            "title_zh",
            "title_en",
            "text_zh",
            "text_en",
            "features_zh",
            "features_en",
            "check_zh",
            "check_en",
            "status",
            "latest_check",
        )
        read_only_fields = fields

    def _latest(self) -> dict:
        latest = self.context.get("latest")
        if latest is None:
            latest = self.context["latest"] = selectors.latest_statuses(self.context["request"].user)
        return latest

    def get_status(self, clause) -> str:
        return self._latest()["statuses"].get(clause.code, Status.NOT_BUILT.value)

    @extend_schema_field(LatestCheckSerializer(allow_null=True))
    def get_latest_check(self, clause):
        snapshot = self._latest()["snapshots"].get(clause.code)
        return LatestCheckSerializer(snapshot).data if snapshot is not None else None


class ClauseViewSet(RestrictedReadOnlyViewSet):
    """Every clause of the regulation with the status of its latest check (``?status=red``)."""

    model = Clause
    serializer_class = ClauseSerializer
    filterset_class = filtersets.ClauseFilterSet
    pagination_class = SmallPagePagination

    def base_queryset(self):
        return Clause.objects.select_related("chapter").order_by("sort_key", "pk")


# --- versions and acknowledgements --------------------------------------------------------------------
class RegulationVersionSerializer(serializers.ModelSerializer):
    is_published = serializers.BooleanField(read_only=True)
    is_current = serializers.SerializerMethodField()
    acknowledged_by_me = serializers.SerializerMethodField()

    class Meta:
        model = RegulationVersion
        fields = (
            "id",
            "number",
            "name",
            "effective_date",
            "summary",
            "is_published",
            "published_at",
            "published_by",
            "is_current",
            "acknowledged_by_me",
            "created",
            "updated",
        )
        read_only_fields = fields

    def _mine(self) -> dict:
        cached = self.context.get("versions")
        if cached is None:
            user = self.context["request"].user
            current = RegulationVersion.objects.current()
            cached = self.context["versions"] = {
                "current": current.pk if current else None,
                "acknowledged": set(
                    Acknowledgement.objects.filter(user=user).values_list("version_id", flat=True)
                ),
            }
        return cached

    def get_is_current(self, version) -> bool:
        return version.pk == self._mine()["current"]

    def get_acknowledged_by_me(self, version) -> bool:
        return version.pk in self._mine()["acknowledged"]


class AcknowledgementSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    version_number = serializers.CharField(source="version.number", read_only=True)

    class Meta:
        model = Acknowledgement
        fields = ("id", "user", "username", "version", "version_number", "acknowledged_at")
        read_only_fields = fields


class RegulationVersionViewSet(RestrictedReadOnlyViewSet):
    """Versions of the regulation; publish one (``regulation.publish_regulationversion``) and
    acknowledge the version in force (every active staff member, for themselves)."""

    model = RegulationVersion
    serializer_class = RegulationVersionSerializer
    filterset_class = filtersets.RegulationVersionFilterSet
    pagination_class = SmallPagePagination

    def base_queryset(self):
        return RegulationVersion.objects.order_by("-effective_date", "-pk")

    @extend_schema(request=None, responses=RegulationVersionSerializer)
    @action(detail=True, methods=["post"], permission_action="publish")
    def publish(self, request, pk=None):
        """Publish this version: from its effective date on, it is the regulation in force."""
        version = services.regulation_version_publish(actor=request.user, version=self.get_object())
        return Response(self.get_serializer(version).data)

    @extend_schema(request=None, responses={201: AcknowledgementSerializer})
    @action(detail=True, methods=["post"], permission_action=VIEW)
    def acknowledge(self, request, pk=None):
        """Confirm that you have read this version (it must be the version in force)."""
        acknowledgement = services.acknowledgement_create(actor=request.user, version=self.get_object())
        return Response(AcknowledgementSerializer(acknowledgement).data, status=status.HTTP_201_CREATED)


class AcknowledgementViewSet(RestrictedReadOnlyViewSet):
    """Who acknowledged which version, and when (your own; HR, managers and auditors see all)."""

    model = Acknowledgement
    serializer_class = AcknowledgementSerializer
    filterset_class = filtersets.AcknowledgementFilterSet

    def base_queryset(self):
        return Acknowledgement.objects.select_related("user", "version")


# --- check runs and snapshots ------------------------------------------------------------------------
class CheckSnapshotSerializer(serializers.ModelSerializer):
    clause = serializers.CharField(source="clause.code", read_only=True)
    explanation = serializers.CharField(source="localized_explanation", read_only=True)

    class Meta:
        model = CheckSnapshot
        fields = ("id", "run", "clause", "status", "explanation", "evidence_url", "figures", "taken_at")
        read_only_fields = fields


class CheckRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckRun
        fields = ("id", "trigger", "triggered_by", "started_at", "finished_at", "counts")
        read_only_fields = fields


class CheckSnapshotViewSet(RestrictedReadOnlyViewSet):
    """The result of each clause's check in each run (the board's history)."""

    model = CheckSnapshot
    serializer_class = CheckSnapshotSerializer
    filterset_class = filtersets.CheckSnapshotFilterSet

    def base_queryset(self):
        return CheckSnapshot.objects.select_related("clause")


class CheckRunViewSet(RestrictedReadOnlyViewSet):
    """Runs of every clause check; ``POST`` runs them all now (``regulation.run_checkrun``)."""

    model = CheckRun
    serializer_class = CheckRunSerializer
    filterset_class = filtersets.CheckRunFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return CheckRun.objects.all()

    def get_permissions(self):
        if self.request is not None and self.request.method == "POST":
            self.permission_action = "run"
        return super().get_permissions()

    @extend_schema(request=None, responses={201: CheckRunSerializer})
    def create(self, request):
        """Run every clause check now; answers the finished run with its counts."""
        run = services.checks_run_now(actor=request.user)
        return Response(self.get_serializer(run).data, status=status.HTTP_201_CREATED)
