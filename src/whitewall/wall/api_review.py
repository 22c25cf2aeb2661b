"""REST API of content operations: the review queue and its decisions, reports, feedback replies.

Every action calls the same service as the console (``wall/services/review.py`` and
``moderation.py``), so the rules, the review lock, the audit trail and the notifications are the
same whichever door is used.
"""

from __future__ import annotations

from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from whitewall.core.api.viewsets import RestrictedReadOnlyViewSet
from whitewall.wall.filtersets_review import FeedbackFilterSet, ReportFilterSet
from whitewall.wall.models import Comment, Feedback, Post, Report
from whitewall.wall.models.posts import RejectReason
from whitewall.wall.services import moderation, review

QUEUES = ("pending", "second_review", "flagged")


# --- serializers ----------------------------------------------------------------------------------
class _ReviewItemSerializer(serializers.ModelSerializer):
    shown_author = serializers.SerializerMethodField()
    locked_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    def get_shown_author(self, obj) -> str:
        return obj.shown_author


REVIEW_FIELDS = (
    "status",
    "body",
    "screening_action",
    "screening_hits",
    "queue_reason",
    "flagged_at",
    "hidden_at",
    "report_score",
    "locked_by",
    "locked_until",
    "reviewed_by",
    "reviewed_at",
    "reject_reason",
    "reject_note",
)


class PostReviewSerializer(_ReviewItemSerializer):
    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    images = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = (
            "id",
            "topic",
            "title",
            *REVIEW_FIELDS,
            "is_anonymous",
            "shown_author",
            "submitted_at",
            "images",
        )
        read_only_fields = fields

    def get_images(self, obj) -> list[str]:
        return [image.image.url for image in obj.images.all() if image.image]


class CommentReviewSerializer(_ReviewItemSerializer):
    class Meta:
        model = Comment
        fields = ("id", "post", *REVIEW_FIELDS, "is_anonymous", "shown_author", "created")
        read_only_fields = fields


class RejectInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RejectReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class RequiredNoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class BulkInput(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=200)
    decision = serializers.ChoiceField(choices=(("approve", "approve"), ("reject", "reject")))
    reason = serializers.ChoiceField(
        choices=RejectReason.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class BulkResult(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField())
    refused = serializers.DictField(child=serializers.CharField())


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- the review queue -----------------------------------------------------------------------------
class _ReviewViewSet(RestrictedReadOnlyViewSet):
    """The review queue (``?queue=pending`` — the default —, ``second_review`` or ``flagged``),
    oldest first; opening an item for a decision is ``POST …/{id}/lock/``."""

    permission_action = "review"

    def get_queryset(self):
        queryset = super().get_queryset()
        if queryset.model is Post:
            # Submissions only: staff-written posts are approved through the approval engine.
            queryset = queryset.filter(source=Post.Source.SUBMISSION)
        if self.action != "list":
            return queryset
        queue = self.request.query_params.get("queue", "pending")
        if queue == "flagged":
            return queryset.filter(flagged_at__isnull=False).order_by("flagged_at", "pk")
        status = queue if queue in QUEUES else "pending"
        return queryset.filter(status=status).order_by(F("created").asc(), "pk")

    def _answer(self, item):
        item.refresh_from_db()
        return Response(self.get_serializer(item).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_action="review")
    def lock(self, request, pk=None):
        """Take the review lock for the policy's minutes (409-free: a held lock answers 400 naming the holder)."""
        return self._answer(review.review_lock_take(actor=request.user, item=self.get_object()))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_action="review")
    def release(self, request, pk=None):
        item = self.get_object()
        review.review_lock_release(actor=request.user, item=item)
        return self._answer(item)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_action="review")
    def keep(self, request, pk=None):
        """A flagged published item stays on the wall."""
        return self._answer(review.review_keep(actor=request.user, item=self.get_object()))


class PostReviewViewSet(_ReviewViewSet):
    model = Post
    serializer_class = PostReviewSerializer

    def base_queryset(self):
        return Post.objects.select_related("topic", "author", "locked_by", "reviewed_by").prefetch_related(
            "images"
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_action="review")
    def approve(self, request, pk=None):
        """Approve: to the staging queue, or to the second review for the policy's topics."""
        return self._answer(review.post_approve(actor=request.user, post=self.get_object()))

    @extend_schema(request=RejectInput)
    @action(detail=True, methods=["post"], permission_action="review")
    def reject(self, request, pk=None):
        data = _input(RejectInput, request)
        return self._answer(review.post_reject(actor=request.user, post=self.get_object(), **data))

    @extend_schema(request=RequiredNoteInput)
    @action(detail=True, methods=["post"], permission_action="review")
    def send_back(self, request, pk=None):
        data = _input(RequiredNoteInput, request)
        return self._answer(
            review.post_send_back(actor=request.user, post=self.get_object(), note=data["note"])
        )

    @extend_schema(request=NoteInput)
    @action(detail=True, methods=["post"], permission_action="review")
    def escalate(self, request, pk=None):
        """Send to a second reviewer (approval process ``wall.second_review``)."""
        data = _input(NoteInput, request)
        return self._answer(
            review.post_escalate(actor=request.user, post=self.get_object(), note=data["note"])
        )

    @extend_schema(request=ReasonInput)
    @action(detail=True, methods=["post"], permission_action="take_down")
    def take_down(self, request, pk=None):
        data = _input(ReasonInput, request)
        return self._answer(
            moderation.post_take_down(actor=request.user, post=self.get_object(), reason=data["reason"])
        )

    @extend_schema(request=BulkInput, responses=BulkResult)
    @action(detail=False, methods=["post"], permission_action="review", pagination_class=None)
    def bulk(self, request):
        """Approve or reject several posts; each is decided on its own."""
        return _bulk(request, Post)


class CommentReviewViewSet(_ReviewViewSet):
    model = Comment
    serializer_class = CommentReviewSerializer

    def base_queryset(self):
        return Comment.objects.select_related("author", "locked_by", "reviewed_by")

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_action="review")
    def approve(self, request, pk=None):
        """Publish the comment (the post's comment count goes up)."""
        return self._answer(review.comment_approve(actor=request.user, comment=self.get_object()))

    @extend_schema(request=RejectInput)
    @action(detail=True, methods=["post"], permission_action="review")
    def reject(self, request, pk=None):
        data = _input(RejectInput, request)
        return self._answer(review.comment_reject(actor=request.user, comment=self.get_object(), **data))

    @extend_schema(request=ReasonInput)
    @action(detail=True, methods=["post"], permission_action="take_down")
    def take_down(self, request, pk=None):
        data = _input(ReasonInput, request)
        return self._answer(
            moderation.comment_take_down(actor=request.user, comment=self.get_object(), reason=data["reason"])
        )

    @extend_schema(request=BulkInput, responses=BulkResult)
    @action(detail=False, methods=["post"], permission_action="review", pagination_class=None)
    def bulk(self, request):
        """Approve or reject several comments; each is decided on its own."""
        return _bulk(request, Comment)


def _bulk(request, model):
    data = _input(BulkInput, request)
    items = list(model.objects.restrict(request.user, "review").filter(pk__in=data["ids"]))
    outcome = review.review_bulk(
        actor=request.user, items=items, decision=data["decision"], reason=data["reason"], note=data["note"]
    )
    refused = {str(item.pk): reason for item, reason in outcome.refused}
    found = {item.pk for item in items}
    for missing in data["ids"]:
        if missing not in found:
            refused[str(missing)] = "not found"
    return Response({"done": [item.pk for item in outcome.done], "refused": refused})


# --- reports --------------------------------------------------------------------------------------
class ModerationReportSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    handled_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Report
        fields = (
            "id",
            "post",
            "comment",
            "reason",
            "detail",
            "by_guest",
            "weight",
            "status",
            "due_at",
            "overdue",
            "handled_by",
            "handled_at",
            "resolution_note",
            "created",
        )
        read_only_fields = fields


class ReportViewSet(RestrictedReadOnlyViewSet):
    """Reports of posts and comments. Handling is per item: upholding or dismissing one report
    handles every open report of the same post or comment."""

    model = Report
    serializer_class = ModerationReportSerializer
    filterset_class = ReportFilterSet

    def base_queryset(self):
        return Report.objects.select_related("handled_by")

    @extend_schema(request=NoteInput, responses=ModerationReportSerializer)
    @action(detail=True, methods=["post"], permission_action="change")
    def uphold(self, request, pk=None):
        """Take the item down (or keep it hidden); reporters' weights go up."""
        data = _input(NoteInput, request)
        report = moderation.report_uphold(actor=request.user, report=self.get_object(), note=data["note"])
        return Response(ModerationReportSerializer(report).data)

    @extend_schema(request=RequiredNoteInput, responses=ModerationReportSerializer)
    @action(detail=True, methods=["post"], permission_action="change")
    def dismiss(self, request, pk=None):
        """Dismiss; the item is shown again once its score is under the threshold."""
        data = _input(RequiredNoteInput, request)
        report = moderation.report_dismiss(actor=request.user, report=self.get_object(), note=data["note"])
        return Response(ModerationReportSerializer(report).data)


# --- feedback and complaints ----------------------------------------------------------------------
class ModerationFeedbackSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    replied_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Feedback
        fields = (
            "id",
            "kind",
            "status",
            "user",
            "subject",
            "body",
            "post",
            "due_at",
            "overdue",
            "reply",
            "replied_by",
            "replied_at",
            "resolution",
            "created",
        )
        read_only_fields = fields


class ReplyInput(serializers.Serializer):
    reply = serializers.CharField(max_length=5000)
    resolution = serializers.ChoiceField(
        choices=Feedback.Resolution.choices, required=False, allow_blank=True, default=""
    )


class CloseInput(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=Feedback.Resolution.choices)


class FeedbackViewSet(RestrictedReadOnlyViewSet):
    model = Feedback
    serializer_class = ModerationFeedbackSerializer
    filterset_class = FeedbackFilterSet

    def base_queryset(self):
        return Feedback.objects.select_related("user", "replied_by")

    @extend_schema(request=ReplyInput, responses=ModerationFeedbackSerializer)
    @action(detail=True, methods=["post"], permission_action="change")
    def reply(self, request, pk=None):
        """Reply: the user sees it on their page and is notified."""
        data = _input(ReplyInput, request)
        feedback = moderation.feedback_reply(actor=request.user, feedback=self.get_object(), **data)
        return Response(ModerationFeedbackSerializer(feedback).data)

    @extend_schema(request=CloseInput, responses=ModerationFeedbackSerializer)
    @action(detail=True, methods=["post"], permission_action="change")
    def close(self, request, pk=None):
        data = _input(CloseInput, request)
        feedback = moderation.feedback_close(actor=request.user, feedback=self.get_object(), **data)
        return Response(ModerationFeedbackSerializer(feedback).data)
