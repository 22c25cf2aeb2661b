"""REST API of the publishing plan: plan items (with a move action), staff posts (with submit),
scheduling any approved post, and the analytics figures."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from whitewall.core.api.serializers import ModelCleanSerializer
from whitewall.core.api.viewsets import RestrictedModelViewSet, RestrictedViewSetMixin
from whitewall.wall.filtersets_plan import PlanItemFilterSet, StaffPostFilterSet
from whitewall.wall.models import PlanItem, Post, StaffPost
from whitewall.wall.sanitize import clean_html, html_to_text
from whitewall.wall.selectors import analytics
from whitewall.wall.services import plan as plan_services
from whitewall.wall.services import publishing


def _translate(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        )
    return exceptions.ValidationError({"non_field_errors": [str(m) for m in exc.messages]})


class MoveSerializer(serializers.Serializer):
    when = serializers.DateTimeField(help_text="The new slot (ISO 8601; local time if no offset).")


class PlanItemSerializer(ModelCleanSerializer):
    class Meta:
        model = PlanItem
        fields = ("id", "title", "topic", "owner", "slot", "status", "post", "notes", "created", "updated")
        read_only_fields = ("post", "created", "updated")


class PlanItemViewSet(RestrictedModelViewSet):
    model = PlanItem
    serializer_class = PlanItemSerializer
    filterset_class = PlanItemFilterSet

    def base_queryset(self):
        return PlanItem.objects.select_related("topic", "owner").order_by("slot", "pk")

    def perform_write(self, serializer):
        item = serializer.instance or PlanItem()
        for key, value in serializer.validated_data.items():
            setattr(item, key, value)
        try:
            return plan_services.plan_item_save(actor=self.request.user, item=item)
        except DjangoValidationError as exc:
            raise _translate(exc)

    @extend_schema(request=MoveSerializer, responses=PlanItemSerializer)
    @action(detail=True, methods=["post"], permission_action="change")
    def move(self, request, pk=None):
        item = self.get_object()
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = plan_services.plan_item_move(
                actor=request.user, item=item, when=data.validated_data["when"]
            )
        except DjangoValidationError as exc:
            raise _translate(exc)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc))
        return Response(PlanItemSerializer(item).data)


class StaffPostSerializer(ModelCleanSerializer):
    class Meta:
        model = StaffPost
        fields = (
            "id", "title", "topic", "body_html", "body", "status", "owner", "expires_at",
            "scheduled_for", "published_at", "created", "updated",
        )  # fmt: skip
        read_only_fields = ("body", "status", "owner", "scheduled_for", "published_at", "created", "updated")

    def validate(self, attrs):
        if "body_html" in attrs:
            attrs["body_html"] = clean_html(attrs["body_html"])
            text = html_to_text(attrs["body_html"])
            if not text:
                raise serializers.ValidationError({"body_html": [_("Write something before you save.")]})
            attrs["body"] = text
        return super().validate(attrs)


class StaffPostViewSet(RestrictedModelViewSet):
    model = StaffPost
    serializer_class = StaffPostSerializer
    filterset_class = StaffPostFilterSet

    def base_queryset(self):
        return StaffPost.objects.select_related("topic").order_by("-created", "-pk")

    def perform_write(self, serializer):
        post = serializer.instance or StaffPost()
        for key, value in serializer.validated_data.items():
            setattr(post, key, value)
        try:
            return plan_services.staff_post_save(actor=self.request.user, post=post)
        except DjangoValidationError as exc:
            raise _translate(exc)

    def perform_delete(self, obj):
        if not obj.is_editable:
            raise exceptions.ValidationError({"non_field_errors": ["Only drafts can be deleted."]})
        obj.delete()

    @extend_schema(request=None, responses=StaffPostSerializer)
    @action(detail=True, methods=["post"], permission_action="change")
    def submit(self, request, pk=None):
        post = self.get_object()
        try:
            plan_services.staff_post_submit(actor=request.user, post=post)
        except DjangoValidationError as exc:
            raise _translate(exc)
        post.refresh_from_db()
        return Response(StaffPostSerializer(post).data)


class ScheduledPostSerializer(serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = ("id", "title", "topic", "status", "scheduled_for", "published_at", "expires_at")
        read_only_fields = fields


class ScheduleViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Posts in the staging queue and scheduled ones; ``POST …/{id}/schedule/`` moves one."""

    model = Post
    permission_action = "schedule"
    serializer_class = ScheduledPostSerializer

    def base_queryset(self):
        return Post.objects.filter(status__in=(Post.Status.APPROVED, Post.Status.SCHEDULED)).order_by(
            "scheduled_for", "pk"
        )

    @extend_schema(request=MoveSerializer, responses=ScheduledPostSerializer)
    @action(detail=True, methods=["post"], permission_action="schedule")
    def schedule(self, request, pk=None):
        post = self.get_object()
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            post = publishing.post_schedule(actor=request.user, post=post, when=data.validated_data["when"])
        except DjangoValidationError as exc:
            raise _translate(exc)
        return Response(ScheduledPostSerializer(post).data)


class AnalyticsViewSet(RestrictedViewSetMixin, viewsets.GenericViewSet):
    """The wall's engagement figures for a range of days (``?start=&end=``, default the last 30)."""

    model = Post
    permission_action = "analytics"
    pagination_class = None
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, description="First day (YYYY-MM-DD)"),
            OpenApiParameter("end", str, description="Last day (YYYY-MM-DD)"),
        ],
        responses=inline_serializer(
            "WallAnalytics",
            {
                "start": serializers.DateField(),
                "end": serializers.DateField(),
                "views": serializers.IntegerField(),
                "likes": serializers.IntegerField(),
                "comments": serializers.IntegerField(),
                "engagement_rate": serializers.FloatField(allow_null=True),
                "posts_published": serializers.IntegerField(),
                "reports": serializers.IntegerField(),
                "reports_per_thousand_views": serializers.FloatField(allow_null=True),
                "median_review_hours": serializers.FloatField(allow_null=True),
                "daily": serializers.ListField(child=serializers.DictField()),
                "top_posts": serializers.ListField(child=serializers.DictField()),
                "topics": serializers.ListField(child=serializers.DictField()),
                "best_time": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def list(self, request):
        from whitewall.wall.views_analytics import RangeForm

        form = RangeForm(request.query_params or None)
        if request.query_params and not form.is_valid():
            raise exceptions.ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        if request.query_params:
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        else:
            start, end = analytics.default_range()
        return Response(analytics.compute(start, end).as_dict())
