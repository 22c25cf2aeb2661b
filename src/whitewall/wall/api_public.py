"""The public wall's REST API: published posts for anyone; a person's own submissions, likes,
reports and feedback. Every write goes through the same services as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from whitewall.core.api.exceptions import django_errors
from whitewall.core.api.mixins import ThrottleFirstMixin
from whitewall.core.api.pagination import StableCursorPagination
from whitewall.core.api.permissions import IsAuthenticatedUser
from whitewall.wall import selectors
from whitewall.wall.models import Comment, Feedback, Post, PostImage, Report, Topic
from whitewall.wall.services import feedback as feedback_services
from whitewall.wall.services import posts as post_services
from whitewall.wall.services import reports as report_services
from whitewall.wall.visitor import visitor_for


def _call(service, **kwargs):
    """Run a service; its refusals become the API's 400/403 answers."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise exceptions.ValidationError(django_errors(error)) from None
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error)) from None


class NewestFirstCursor(StableCursorPagination):
    ordering = ("-published_at", "-id")


class PublicPostSerializer(serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    author = serializers.SerializerMethodField()
    images = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = (
            "id",
            "topic",
            "tags",
            "title",
            "body",
            "author",
            "is_anonymous",
            "published_at",
            "view_count",
            "like_count",
            "comment_count",
            "images",
        )
        read_only_fields = fields

    def get_author(self, post) -> str:
        return post.shown_author

    def get_images(self, post) -> list[int]:
        return [image.pk for image in post.images.all()]


class PublicPostViewSet(ThrottleFirstMixin, viewsets.ReadOnlyModelViewSet):
    """Published posts, newest first (no hidden, taken-down or pending ones). Open to anyone.

    ``?topic=<slug>``, ``?tag=<name>``, ``?q=<text>``. ``POST …/{id}/like/`` likes it (again: takes
    the like back), for logged-in users."""

    serializer_class = PublicPostSerializer
    permission_classes = [AllowAny]
    pagination_class = NewestFirstCursor

    def get_queryset(self):
        posts = (
            selectors.public_posts()
            .select_related("topic", "author")
            .prefetch_related(
                "tags", Prefetch("images", queryset=PostImage.objects.only("id", "post_id", "position"))
            )
        )
        params = self.request.query_params
        if params.get("topic"):
            posts = posts.filter(topic__slug=params["topic"])
        if params.get("tag"):
            posts = posts.filter(tags__name=params["tag"])
        if params.get("q"):
            query = params["q"][:100].replace("\x00", "")
            posts = posts.filter(body__icontains=query) | posts.filter(title__icontains=query)
        return posts

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "LikeResult", {"liked": serializers.BooleanField(), "like_count": serializers.IntegerField()}
        ),
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticatedUser])
    def like(self, request, pk=None):
        post = get_object_or_404(selectors.public_posts(), pk=pk)
        liked = _call(post_services.post_like, actor=visitor_for(request._request), post=post)
        post.refresh_from_db(fields=["like_count"])
        return Response({"liked": liked, "like_count": post.like_count})


class SubmissionSerializer(serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(slug_field="slug", queryset=Topic.objects.filter(is_active=True))
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Post
        fields = (
            "id",
            "topic",
            "title",
            "body",
            "is_anonymous",
            "display_name",
            "status",
            "status_label",
            "reject_reason",
            "reject_note",
            "submitted_at",
            "published_at",
            "takedown_requested_at",
        )
        read_only_fields = (
            "status",
            "status_label",
            "reject_reason",
            "reject_note",
            "submitted_at",
            "published_at",
            "takedown_requested_at",
        )


class TakedownSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class SubmissionViewSet(ThrottleFirstMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The caller's own submissions (anonymous ones included, found by the blind-index key).

    ``POST`` submits (text only; images through the page), ``POST …/{id}/withdraw/`` before
    publication, ``POST …/{id}/takedown/`` with a reason after."""

    serializer_class = SubmissionSerializer
    permission_classes = [IsAuthenticatedUser]
    pagination_class = StableCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Post.objects.none()
        return selectors.my_submissions(visitor_for(self.request._request).key).order_by("pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = _call(
            post_services.post_submit,
            actor=visitor_for(self.request._request),
            topic=data["topic"],
            title=data.get("title", ""),
            body=data["body"],
            is_anonymous=data.get("is_anonymous", False),
            display_name=data.get("display_name", ""),
        )

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        post = _call(post_services.post_withdraw, actor=visitor_for(request._request), post=self.get_object())
        return Response(SubmissionSerializer(post).data)

    @extend_schema(request=TakedownSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def takedown(self, request, pk=None):
        payload = TakedownSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        post = _call(
            post_services.post_request_takedown,
            actor=visitor_for(request._request),
            post=self.get_object(),
            reason=payload.validated_data["reason"],
        )
        return Response(SubmissionSerializer(post).data)


class ReportSerializer(serializers.ModelSerializer):
    post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all(), required=False, allow_null=True)
    comment = serializers.PrimaryKeyRelatedField(
        queryset=Comment.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Report
        fields = ("id", "post", "comment", "reason", "detail", "status", "created")
        read_only_fields = ("status", "created")
        validators = []  # one report per item is the service's rule (a clear message)


class ReportViewSet(
    ThrottleFirstMixin, mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """The caller's own reports; ``POST`` reports a published post or comment once."""

    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticatedUser]
    pagination_class = StableCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        return Report.objects.filter(reporter_key=visitor_for(self.request._request).key).order_by("pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = _call(
            report_services.report_submit,
            actor=visitor_for(self.request._request),
            post=data.get("post"),
            comment=data.get("comment"),
            reason=data["reason"],
            detail=data.get("detail", ""),
        )


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ("id", "kind", "subject", "body", "status", "due_at", "reply", "replied_at", "created")
        read_only_fields = ("status", "due_at", "reply", "replied_at", "created")
        extra_kwargs = {"kind": {"required": True}}


class FeedbackViewSet(ThrottleFirstMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The caller's own feedback and complaints with the team's replies; ``POST`` sends one."""

    serializer_class = FeedbackSerializer
    permission_classes = [IsAuthenticatedUser]
    pagination_class = StableCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Feedback.objects.none()
        return Feedback.objects.filter(user=self.request.user).order_by("pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = _call(
            feedback_services.feedback_send,
            actor=self.request.user,
            kind=data["kind"],
            subject=data["subject"],
            body=data["body"],
        )

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.status_code = status.HTTP_201_CREATED
        return response


__all__ = ["FeedbackViewSet", "PublicPostViewSet", "ReportViewSet", "SubmissionViewSet"]
