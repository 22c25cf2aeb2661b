"""Posts and everything the public does with them: comments, likes, views, reports, feedback.

One ``Post`` model carries a post from submission to take-down; its ``status`` is the lifecycle
(see ``Post.Status``). Engagement counters on the post are running totals kept by the services, so
that the wall never counts rows to show a page. The person behind a submission is kept encrypted in
``submitter_identity`` (revealed only with the ``reveal`` permission, audited); ``submitter_key``
is a blind index of the submitter (user id, or guest token) so that "my submissions" and rate limits
work without storing who wrote an anonymous post in clear.
"""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from whitewall.core.encryption import EncryptedTextField
from whitewall.core.models import BaseModel

__all__ = [
    "Comment",
    "Feedback",
    "PlanItem",
    "Post",
    "PostImage",
    "PostLike",
    "PostViewDay",
    "Report",
    "Tag",
    "Topic",
]


class Topic(BaseModel):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_active = models.BooleanField(pgettext_lazy("switched on", "active"), default=True)
    weight = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ("weight", "name")

    def __str__(self) -> str:
        return self.name


class Tag(BaseModel):
    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class ReviewFields(models.Model):
    """What screening and review leave on a post or a comment."""

    # Sensitive-word screening at submission (and again when word lists change).
    screening_action = models.CharField(_("screening result"), max_length=10, blank=True)
    screening_hits = models.JSONField(_("screening hits"), default=list, blank=True)
    queue_reason = models.CharField(_("reason queued"), max_length=200, blank=True)
    # The review decision.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reject_reason = models.CharField(_("rejection reason"), max_length=30, blank=True)
    reject_note = models.TextField(_("rejection note"), blank=True)
    # A reviewer holds the item while deciding; another reviewer cannot take it until it expires.
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    # Weighted reports; at the policy's threshold the item is hidden until a reviewer decides.
    report_score = models.DecimalField(_("report score"), max_digits=8, decimal_places=2, default=0)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    # Rescreening after a word-list change found new hits in this published item: it is in the
    # review queue until a reviewer keeps it or takes it down.
    flagged_at = models.DateTimeField(_("flagged for review at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def is_locked_for(self, user) -> bool:
        """True when someone other than ``user`` holds the review lock."""
        return (
            self.locked_by_id is not None
            and self.locked_by_id != getattr(user, "pk", None)
            and self.locked_until is not None
            and self.locked_until > timezone.now()
        )


def submitter_author(related_name: str) -> models.ForeignKey:
    """The ``author`` field of a submission (see ``SubmitterFields``)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
    )


class SubmitterFields(models.Model):
    """Who submitted a post or a comment, and how they are shown.

    ``author`` is set only when the author is shown by name; an anonymous submission keeps its
    author only in ``submitter_identity`` (encrypted; revealed only with the ``reveal`` permission,
    audited) and ``submitter_key`` (a blind index of the user id or guest token).

    Each concrete model declares ``author = submitter_author("<reverse accessor>")``: the reverse
    accessors (``wall_posts``, ``wall_comments``) predate this model, and a ``"%(class)s"`` pattern
    here would deconstruct differently from the existing migrations.
    """

    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    display_name = models.CharField(_("shown as"), max_length=60, blank=True)
    submitter_key = models.CharField(
        _("submitter key"), max_length=64, blank=True, db_index=True, editable=False
    )
    submitter_identity = EncryptedTextField(_("submitter identity"), blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def shown_author(self) -> str:
        """The name the wall shows: "Anonymous", the name given, the author's full name or user
        name, or "Guest" for a guest who gave no name (never an empty byline)."""
        if self.is_anonymous:
            return str(_("Anonymous"))
        if self.display_name:
            return self.display_name
        if self.author_id:
            return self.author.get_full_name() or self.author.get_username()
        return str(_("Guest"))

    def submitter_user_id(self) -> int | None:
        """The wall user's id kept in the encrypted identity (None for a guest or when unreadable)."""
        if not self.submitter_identity:
            return None
        try:
            return json.loads(self.submitter_identity).get("user_id") or None
        except (ValueError, AttributeError):
            return None


class RejectReason(models.TextChoices):
    ILLEGAL = "illegal", _("Illegal content")
    HARASSMENT = "harassment", _("Harassment or abuse")
    PRIVACY = "privacy", _("Exposes private information")
    ADVERTISING = "advertising", _("Advertising or spam")
    OFF_TOPIC = "off_topic", _("Off topic")
    FALSE = "false", _("False or misleading")
    OTHER = "other", _("Other")


class Post(ReviewFields, SubmitterFields, BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")  # a staff post being written
        PENDING = "pending", _("pending review")
        SECOND_REVIEW = "second_review", _("in second review")
        SENT_BACK = "sent_back", _("sent back for editing")
        REJECTED = "rejected", _("rejected")
        APPROVED = "approved", _("approved, waiting for a slot")  # the staging queue
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")
        TAKEN_DOWN = "taken_down", _("taken down")
        EXPIRED = "expired", _("expired")

    class Source(models.TextChoices):
        SUBMISSION = "submission", _("submission")
        STAFF = "staff", _("staff post")

    RejectReason = RejectReason

    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.SUBMISSION)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="posts")
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="posts")
    title = models.CharField(_("title"), max_length=120, blank=True)
    # Plain text for submissions; staff posts keep their sanitised rich text in body_html as well.
    body = models.TextField(_("body"))
    body_html = models.TextField(_("formatted body"), blank=True)
    author = submitter_author("wall_posts")
    # Staff posts: who owns the piece in the publishing plan.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_wall_posts",
    )
    # Publishing.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # Take-down: by staff (reason, who, when), or asked for by the author.
    taken_down_at = models.DateTimeField(_("taken down at"), null=True, blank=True)
    taken_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken down by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    takedown_reason = models.TextField(_("take-down reason"), blank=True)
    takedown_requested_at = models.DateTimeField(_("take-down requested at"), null=True, blank=True)
    takedown_request_reason = models.TextField(_("take-down request reason"), blank=True)
    # Engagement, as running totals kept by the services.
    view_count = models.PositiveIntegerField(_("views"), default=0)
    like_count = models.PositiveIntegerField(_("likes"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ("-published_at", "-created")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="wall_post_feed"),
            models.Index(fields=["topic", "status", "-published_at"], name="wall_post_topic_feed"),
            models.Index(fields=["status", "scheduled_for"], name="wall_post_due"),
        ]

    def __str__(self) -> str:
        return self.title or self.body[:40]

    @property
    def is_public(self) -> bool:
        """Shown on the wall: published and not hidden by reports."""
        return self.status == self.Status.PUBLISHED and self.hidden_at is None

    def clean(self):
        super().clean()
        if not (self.body or "").strip():
            raise ValidationError({"body": _("Write something before you submit.")})
        if self.expires_at and self.published_at and self.expires_at <= self.published_at:
            raise ValidationError({"expires_at": _("The expiry must come after publication.")})


def post_image_path(instance, filename: str) -> str:
    # The name is ours, never the uploader's: content hash plus the type's extension.
    return f"wall/{instance.sha256[:2]}/{instance.sha256}.{filename.rsplit('.', 1)[-1]}"


class PostImage(BaseModel):
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        _("image"), upload_to=post_image_path, width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to="wall/thumbs/", blank=True)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("post image")
        verbose_name_plural = _("post images")
        ordering = ("post", "position")

    def __str__(self) -> str:
        return f"{self.post_id}#{self.position}"


class Comment(ReviewFields, SubmitterFields, BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending review")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")
        TAKEN_DOWN = "taken_down", _("taken down")

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="comments")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    body = models.TextField(_("comment"), max_length=2000)
    author = submitter_author("wall_comments")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ("post", "created")
        indexes = [models.Index(fields=["post", "status", "created"], name="wall_comment_thread")]

    def __str__(self) -> str:
        return self.body[:40]

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.hidden_at is None


class PostLike(models.Model):
    """One like per user (or per guest, identified by a signed cookie). Counted, not audited."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    guest_key = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"], condition=Q(user__isnull=False), name="wall_like_user"
            ),
            models.UniqueConstraint(
                fields=["post", "guest_key"], condition=~Q(guest_key=""), name="wall_like_guest"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(guest_key=""), name="wall_like_has_liker"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.user_id or self.guest_key[:8]}"


class PostViewDay(models.Model):
    """Deduplicated views of a post per day (Asia/Shanghai); the analytics' daily series."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="view_days")
    day = models.DateField(db_index=True)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily views")
        verbose_name_plural = _("daily views")
        constraints = [models.UniqueConstraint(fields=["post", "day"], name="wall_view_day")]

    def __str__(self) -> str:
        return f"{self.post_id}@{self.day}: {self.views}"


class Report(BaseModel):
    """A report of a post or a comment by a member of the public."""

    class Reason(models.TextChoices):
        ILLEGAL = "illegal", _("Illegal content")
        HARASSMENT = "harassment", _("Harassment or abuse")
        PRIVACY = "privacy", _("Exposes private information")
        SPAM = "spam", _("Spam or advertising")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        UPHELD = "upheld", _("upheld")
        DISMISSED = "dismissed", _("dismissed")

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    detail = models.TextField(_("details"), blank=True, max_length=2000)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wall_reports",
    )
    reporter_key = models.CharField(
        _("reporter key"), max_length=64, blank=True, db_index=True, editable=False
    )
    # A guest's report: no account, ``reporter_key`` is the blind index of the signed guest cookie.
    by_guest = models.BooleanField(_("guest report"), default=False, editable=False)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    due_at = models.DateTimeField(_("respond by"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    resolution_note = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ("-created",)
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True)
                | Q(post__isnull=True, comment__isnull=False),
                name="wall_report_one_target",
            ),
            # One open report per reporter and item: reporting twice does not double the score.
            models.UniqueConstraint(
                fields=["post", "reporter_key"],
                condition=Q(post__isnull=False) & ~Q(reporter_key=""),
                name="wall_report_post_once",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter_key"],
                condition=Q(comment__isnull=False) & ~Q(reporter_key=""),
                name="wall_report_comment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.pk}"

    @property
    def target(self):
        return self.post if self.post_id else self.comment

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_at is not None and self.due_at < timezone.now()


class Feedback(BaseModel):
    """Feedback, a complaint or a request for help from a wall user, answered by the operations team."""

    class Kind(models.TextChoices):
        FEEDBACK = "feedback", _("feedback")
        COMPLAINT = "complaint", _("complaint")
        HELP = "help", _("request for help")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    class Resolution(models.TextChoices):
        EXPLAINED = "explained", _("explained")
        FIXED = "fixed", _("fixed")
        CONTENT_REMOVED = "content_removed", _("content removed")
        NO_ACTION = "no_action", _("no action needed")
        FORWARDED = "forwarded", _("forwarded to another team")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FEEDBACK)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="wall_feedback",
    )
    subject = models.CharField(_("subject"), max_length=120)
    body = models.TextField(_("message"), max_length=5000)
    post = models.ForeignKey(
        Post,
        verbose_name=_("post concerned"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField(_("answer by"), null=True, blank=True, db_index=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ("-created",)

    def __str__(self) -> str:
        return self.subject

    @property
    def is_overdue(self) -> bool:
        if self.due_at is None:
            return False
        answered = self.replied_at or timezone.now()
        return answered > self.due_at


class PlanItem(BaseModel):
    """A slot in the publishing plan (the content calendar)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DRAFTED = "drafted", _("drafted")
        IN_REVIEW = "in_review", _("in review")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    title = models.CharField(_("title"), max_length=120)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="plan_items"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="wall_plan_items",
    )
    slot = models.DateTimeField(_("slot"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    post = models.OneToOneField(
        Post,
        verbose_name=_("post"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_item",
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ("slot",)

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.status not in (self.Status.PUBLISHED, self.Status.CANCELLED) and self.slot < timezone.now()
        )
