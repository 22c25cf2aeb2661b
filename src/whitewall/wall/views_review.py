"""Console pages of content operations: the review queue, reports, feedback and complaints,
take-down requests; and the author's page to edit and resubmit a post that was sent back."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Min, Q, Sum
from django.forms import BaseForm
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from whitewall.config.policy import get_policy
from whitewall.core.permissions import permission_constraints
from whitewall.core.tables import Column
from whitewall.core.views import ObjectDetailView, ObjectListView
from whitewall.wall.filtersets_review import FeedbackFilterSet, ReportFilterSet
from whitewall.wall.forms_review import (
    BulkReviewForm,
    CloseForm,
    EscalateForm,
    NoteForm,
    RejectForm,
    ReplyForm,
    ResubmitForm,
    SendBackForm,
    TakeDownForm,
)
from whitewall.wall.models import Comment, Feedback, Post, Report
from whitewall.wall.review_screening import hits_html
from whitewall.wall.services import moderation, review
from whitewall.wall.services.review import REVIEW

POST_REVIEW = "wall.review_post"
COMMENT_REVIEW = "wall.review_comment"


def errors_of(exc) -> str:
    return "; ".join(getattr(exc, "messages", [str(exc)]))


def either(model, user, *actions):
    """Rows on which ``user`` holds any of ``actions``."""
    condition = Q(pk__in=[])
    for action in actions:
        condition |= Q(pk__in=model.objects.restrict(user, action).values("pk"))
    return model.objects.filter(condition)


def may(user, permission: str) -> bool:
    return permission_constraints(user, permission) is not None


class ConsolePermissionMixin:
    """Logged in, and holding at least one of ``permissions`` (deny by default)."""

    permissions: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not any(may(request.user, permission) for permission in self.permissions):
            raise PermissionDenied(_("You do not have permission to do this."))
        return super().dispatch(request, *args, **kwargs)


class Action(NamedTuple):
    """One action of a console page: its form (None: a bare button) and what it runs.

    ``run(user, obj, cleaned_data)`` calls the service and returns the success message.
    """

    form: Callable[..., BaseForm] | None
    run: Callable[[Any, Any, dict], str]


class ActionView:
    """POST <object>/<action>/: validate the action's form, run its service, say what happened.

    One ``post`` for every action of the review console (posts, comments, reports, feedback), the
    way the approval console's ``_RequestActionView`` serves its actions. A subclass declares
    ``actions`` and says how to find the object (``action_object``), how to show the page again
    with a form's errors (``render_with_form``, status 422) and where to go (``success_url``,
    ``back_url``). A service's ValidationError naming fields lands on those fields; one naming
    none goes on the form when ``errors_on_form``, else into a message on the way ``back_url``.
    """

    actions: dict[str, Action] = {}
    errors_on_form = False

    def action_object(self):
        return self.get_object()

    def render_with_form(self, obj, key: str, form):
        raise NotImplementedError  # pragma: no cover - every subclass says how

    def success_url(self, action: str, obj) -> str:
        raise NotImplementedError  # pragma: no cover - every subclass says where

    def back_url(self, obj) -> str:
        return self.success_url("", obj)

    def post(self, request, pk, action):
        if action not in self.actions:
            raise Http404
        obj = self.action_object()
        spec = self.actions[action]
        form = spec.form(request.POST) if spec.form else None
        if form is not None and not form.is_valid():
            return self.render_with_form(obj, action, form)
        try:
            message = spec.run(request.user, obj, form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            if form is not None and (hasattr(exc, "error_dict") or self.errors_on_form):
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
                return self.render_with_form(self.get_object(), action, form)
            messages.error(request, errors_of(exc))
            return HttpResponseRedirect(self.back_url(obj))
        messages.success(request, message)
        return HttpResponseRedirect(self.success_url(action, obj))


# --- what a page shows about an item ---------------------------------------------------------------
def waiting_since(item):
    if getattr(item, "flagged_at", None):
        return item.flagged_at
    return getattr(item, "submitted_at", None) or item.created


def waiting_info(item, now=None) -> dict:
    now = now or timezone.now()
    since = waiting_since(item)
    hours = max((now - since).total_seconds() / 3600, 0)
    target = get_policy().wall.review_target_hours
    return {"since": since, "hours": round(hours, 1), "target": target, "over": hours > target}


def queue_entry(item, user, now) -> dict:
    is_post = isinstance(item, Post)
    return {
        "object": item,
        "kind": "post" if is_post else "comment",
        "key": f"{'post' if is_post else 'comment'}:{item.pk}",
        "url": reverse("wall:review_post" if is_post else "wall:review_comment", kwargs={"pk": item.pk}),
        "body": hits_html(item.body, item.screening_hits),
        "hit_words": list(
            dict.fromkeys(h.get("word", "") for h in item.screening_hits if isinstance(h, dict))
        ),
        "author": item.shown_author,
        "waiting": waiting_info(item, now),
        "locked_by_other": item.is_locked_for(user),
        "lock_holder": review.lock_holder_name(item) if item.is_locked_for(user) else "",
        "images": list(item.images.all()) if is_post else [],
        "flagged": item.flagged_at is not None,
    }


def _oldest_first(queryset):
    return queryset.order_by(F("submitted_at").asc(nulls_first=True), "created", "pk")


# --- the review queue ------------------------------------------------------------------------------
class ReviewQueueView(ConsolePermissionMixin, View):
    permissions = (POST_REVIEW, COMMENT_REVIEW)
    template_name = "wall/review/queue.html"
    page_size = 25

    def posts(self, user):
        # Submissions only: staff-written posts are approved through the approval engine.
        return (
            Post.objects.restrict(user, REVIEW)
            .filter(source=Post.Source.SUBMISSION)
            .select_related("topic", "author", "locked_by")
        )

    def comments(self, user):
        return Comment.objects.restrict(user, REVIEW).select_related("post", "author", "locked_by")

    def get(self, request):
        user, now = request.user, timezone.now()
        tab = request.GET.get("tab", "posts")
        if tab not in ("posts", "comments", "flagged", "second"):
            tab = "posts"
        posts, comments = self.posts(user), self.comments(user)
        counts = {
            "posts": posts.filter(status=Post.Status.PENDING).count(),
            "comments": comments.filter(status=Comment.Status.PENDING).count(),
            "flagged": posts.filter(flagged_at__isnull=False).count()
            + comments.filter(flagged_at__isnull=False).count(),
            "second": posts.filter(status=Post.Status.SECOND_REVIEW).count(),
        }
        if tab == "posts":
            items = _oldest_first(posts.filter(status=Post.Status.PENDING)).prefetch_related("images")
        elif tab == "comments":
            items = comments.filter(status=Comment.Status.PENDING).order_by("created", "pk")
        elif tab == "second":
            items = _oldest_first(posts.filter(status=Post.Status.SECOND_REVIEW)).prefetch_related("images")
        else:
            flagged = list(posts.filter(flagged_at__isnull=False).prefetch_related("images")[:100])
            flagged += list(comments.filter(flagged_at__isnull=False)[:100])
            items = sorted(flagged, key=lambda item: item.flagged_at)
        page = Paginator(items, self.page_size).get_page(request.GET.get("page"))
        entries = [queue_entry(item, user, now) for item in page.object_list]
        return render(
            request,
            self.template_name,
            {
                "tab": tab,
                "counts": counts,
                "page": page,
                "entries": entries,
                "bulk_form": BulkReviewForm(),
                "bulk_enabled": tab in ("posts", "comments"),
                "policy": get_policy().wall,
                "can_rescreen": user.is_superuser or may(user, "wall.take_down_post"),
            },
        )


class ReviewBulkView(ConsolePermissionMixin, View):
    permissions = (POST_REVIEW, COMMENT_REVIEW)

    def post(self, request):
        back = (
            reverse("wall:review_list")
            + "?tab="
            + ("comments" if request.POST.get("tab") == "comments" else "posts")
        )
        form = BulkReviewForm(request.POST)
        keys = request.POST.getlist("item")
        post_ids = [k.split(":", 1)[1] for k in keys if k.startswith("post:") and k[5:].isdigit()]
        comment_ids = [k.split(":", 1)[1] for k in keys if k.startswith("comment:") and k[8:].isdigit()]
        if not post_ids and not comment_ids:
            messages.warning(request, _("Select at least one item."))
            return HttpResponseRedirect(back)
        if not form.is_valid():
            messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
            return HttpResponseRedirect(back)
        user = request.user
        items = list(Post.objects.restrict(user, REVIEW).filter(pk__in=post_ids))
        items += list(Comment.objects.restrict(user, REVIEW).filter(pk__in=comment_ids))
        try:
            outcome = review.review_bulk(
                actor=user,
                items=items,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, errors_of(exc))
            return HttpResponseRedirect(back)
        if outcome.done:
            messages.success(request, _("%(count)d item(s) decided.") % {"count": len(outcome.done)})
        skipped = len(post_ids) + len(comment_ids) - len(items)
        for item, reason in outcome.refused:
            messages.warning(
                request, _("Not decided: “%(item)s”: %(reason)s") % {"item": item, "reason": reason}
            )
        if skipped:
            messages.warning(
                request, _("%(count)d item(s) were skipped: outside your permissions.") % {"count": skipped}
            )
        return HttpResponseRedirect(back)


class _ReviewItemView(ConsolePermissionMixin, View):
    """One post or comment: opening it takes the review lock; the decision forms post back here."""

    model = Post
    template_name = "wall/review/item.html"

    def get_object(self):
        queryset = self.model.objects.restrict(self.request.user, REVIEW)
        if self.model is Post:
            queryset = queryset.select_related("topic", "author", "locked_by", "reviewed_by", "taken_down_by")
        else:
            queryset = queryset.select_related("post", "author", "locked_by", "reviewed_by")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def reviewable(self, item) -> bool:
        return item.status == item.Status.PENDING or item.flagged_at is not None

    def context(self, item, forms=None, lock_error: str = "") -> dict:
        user = self.request.user
        is_post = self.model is Post
        permission = "wall.take_down_post" if is_post else "wall.take_down_comment"
        can_take_down = (
            item.status == item.Status.PUBLISHED
            and self.model.objects.restrict(user, "take_down").filter(pk=item.pk).exists()
        )
        forms = forms or {}
        context = {
            "object": item,
            "is_post": is_post,
            "entry": queue_entry(item, user, timezone.now()),
            "reviewable": self.reviewable(item),
            "holds_lock": item.locked_by_id == user.pk
            and item.locked_until
            and item.locked_until > timezone.now(),
            "lock_error": lock_error,
            "can_take_down": can_take_down and may(user, permission),
            "reject_form": forms.get("reject") or RejectForm(),
            "send_back_form": forms.get("send_back") or SendBackForm(),
            "escalate_form": forms.get("escalate") or EscalateForm(),
            "take_down_form": forms.get("take_down") or TakeDownForm(),
            "decide_name": "wall:review_post_decide" if is_post else "wall:review_comment_decide",
            "approval_request": None,
            "reports": item.reports.select_related("reporter").order_by("-created")[:20],
        }
        if is_post:
            from whitewall.wall.models import SecondReview

            context["approval_request"] = SecondReview(pk=item.pk).approval_request
        return context

    def get(self, request, pk):
        item = self.get_object()
        lock_error = ""
        if self.reviewable(item):
            try:
                item = review.review_lock_take(actor=request.user, item=item)
            except ValidationError as exc:
                lock_error = errors_of(exc)
                item = self.get_object()
        return render(request, self.template_name, self.context(item, lock_error=lock_error))


class ReviewPostView(_ReviewItemView):
    permissions = (POST_REVIEW,)
    model = Post


class ReviewCommentView(_ReviewItemView):
    permissions = (COMMENT_REVIEW,)
    model = Comment


class _ReviewDecideView(ActionView, _ReviewItemView):
    """POST <item>/<action>/: approve, reject, send_back, escalate, keep, take_down, release."""

    def render_with_form(self, obj, key, form):
        return render(self.request, self.template_name, self.context(obj, forms={key: form}), status=422)

    def success_url(self, action, obj) -> str:
        if action == "release":
            return reverse("wall:review_list")
        return safe_next(self.request)

    def back_url(self, obj) -> str:
        return self.request.path.rsplit("/", 2)[0] + "/"


def safe_next(request) -> str:
    from whitewall.core.views.generic import safe_return_url

    return safe_return_url(request, reverse("wall:review_list"))


def _release(user, item, data):
    review.review_lock_release(actor=user, item=item)
    return _("You left the item; other reviewers can take it now.")


def _keep(user, item, data):
    review.review_keep(actor=user, item=item)
    return _("The item stays on the wall.")


def _post_approve(user, post, data):
    review.post_approve(actor=user, post=post)
    return _approved_message(post)


def _post_reject(user, post, data):
    review.post_reject(actor=user, post=post, reason=data["reason"], note=data["note"])
    return _("The post was rejected.")


def _post_send_back(user, post, data):
    review.post_send_back(actor=user, post=post, note=data["note"])
    return _("The post was sent back to its author.")


def _post_escalate(user, post, data):
    review.post_escalate(actor=user, post=post, note=data["note"])
    return _("The post went to a second review.")


def _post_take_down(user, post, data):
    moderation.post_take_down(actor=user, post=post, reason=data["reason"])
    return _("The post was taken down.")


class ReviewPostDecideView(_ReviewDecideView):
    permissions = (POST_REVIEW, "wall.take_down_post")
    model = Post
    actions = {
        "approve": Action(None, _post_approve),
        "reject": Action(RejectForm, _post_reject),
        "send_back": Action(SendBackForm, _post_send_back),
        "escalate": Action(EscalateForm, _post_escalate),
        "keep": Action(None, _keep),
        "take_down": Action(TakeDownForm, _post_take_down),
        "release": Action(None, _release),
    }

    def get_object(self):
        user = self.request.user
        queryset = either(Post, user, REVIEW, "take_down")
        return get_object_or_404(
            queryset.select_related("topic", "author", "locked_by"), pk=self.kwargs["pk"]
        )


def _approved_message(post) -> str:
    post.refresh_from_db(fields=["status"])
    if post.status == Post.Status.SECOND_REVIEW:
        return _("Approved; the post now waits for its second review.")
    return _("The post was approved and waits for its publishing slot.")


def _comment_approve(user, comment, data):
    review.comment_approve(actor=user, comment=comment)
    return _("The comment was published.")


def _comment_reject(user, comment, data):
    review.comment_reject(actor=user, comment=comment, reason=data["reason"], note=data["note"])
    return _("The comment was rejected.")


def _comment_take_down(user, comment, data):
    moderation.comment_take_down(actor=user, comment=comment, reason=data["reason"])
    return _("The comment was taken down.")


class ReviewCommentDecideView(_ReviewDecideView):
    permissions = (COMMENT_REVIEW, "wall.take_down_comment")
    model = Comment
    actions = {
        "approve": Action(None, _comment_approve),
        "reject": Action(RejectForm, _comment_reject),
        "keep": Action(None, _keep),
        "take_down": Action(TakeDownForm, _comment_take_down),
        "release": Action(None, _release),
    }

    def get_object(self):
        user = self.request.user
        queryset = either(Comment, user, REVIEW, "take_down")
        return get_object_or_404(queryset.select_related("post", "author", "locked_by"), pk=self.kwargs["pk"])


class RescreenView(ConsolePermissionMixin, View):
    """Start rescreening published content by hand (it also starts by itself when a list changes)."""

    permissions = ("wall.take_down_post",)

    def post(self, request):
        from whitewall.wall.tasks_review import rescreen_start

        job = rescreen_start(user=request.user, reason=_("Started by hand"))
        messages.success(request, _("Rescreening started."))
        return HttpResponseRedirect(reverse("core:job_detail", kwargs={"pk": job.pk}))


# --- reports ---------------------------------------------------------------------------------------
class ReportListView(ObjectListView):
    """Open reports grouped by the item they are about, with the item's score and the deadline."""

    model = Report
    template_name = "wall/review/report_list.html"
    partial_template_name = "wall/review/report_table.html"
    filterset_class = ReportFilterSet
    allow_bulk_delete = False
    columns = [
        Column("target", gettext_lazy("reported item"), accessor=lambda r: r.target, linkify=True),
        Column("reason", order_by="reason"),
        Column("weight"),
        Column("status", order_by="status"),
        Column("due_at", order_by="due_at"),
        Column("handled_at", order_by="handled_at"),
        Column("resolution_note"),
    ]
    default_ordering = ("due_at", "pk")

    def base_queryset(self):
        return Report.objects.select_related("post", "comment", "reporter")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export"):
            return super().get(request, *args, **kwargs)
        filterset, queryset = self.filtered()
        groups = (
            queryset.values("post_id", "comment_id")
            .annotate(
                reports=Count("pk"),
                open_reports=Count("pk", filter=Q(status=Report.Status.OPEN)),
                guest_reports=Count("pk", filter=Q(by_guest=True)),
                score=Sum("weight", filter=Q(status=Report.Status.OPEN)),
                due=Min("due_at", filter=Q(status=Report.Status.OPEN)),
                first=Min("pk"),
            )
            .order_by(F("due").asc(nulls_last=True), "first")
        )
        page = Paginator(groups, self.page_size).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        posts = Post.objects.in_bulk([r["post_id"] for r in rows if r["post_id"]])
        comments = Comment.objects.select_related("post").in_bulk(
            [r["comment_id"] for r in rows if r["comment_id"]]
        )
        reasons: dict[tuple, list] = {}
        for post_id, comment_id, reason in queryset.filter(
            Q(post_id__in=list(posts)) | Q(comment_id__in=list(comments))
        ).values_list("post_id", "comment_id", "reason"):
            reasons.setdefault((post_id, comment_id), []).append(reason)
        now = timezone.now()
        threshold = get_policy().wall.report_hide_threshold
        labels = dict(Report.Reason.choices)
        entries = []
        for row in rows:
            target = posts.get(row["post_id"]) if row["post_id"] else comments.get(row["comment_id"])
            counted = {}
            for reason in reasons.get((row["post_id"], row["comment_id"]), []):
                counted[labels.get(reason, reason)] = counted.get(labels.get(reason, reason), 0) + 1
            entries.append(
                {
                    **row,
                    "target": target,
                    "kind": _("post") if row["post_id"] else _("comment"),
                    "reasons": counted,
                    "url": reverse("wall:report_detail", kwargs={"pk": row["first"]}),
                    "overdue": row["due"] is not None and row["due"] < now,
                    "over_threshold": (row["score"] or 0) >= threshold,
                }
            )
        context = {
            **self.model_context(),
            "filterset": filterset,
            "page": page,
            "entries": entries,
            "threshold": threshold,
            "querystring": request.GET.urlencode(),
        }
        template = (
            self.partial_template_name if request.htmx and not request.htmx.boosted else self.template_name
        )
        return render(request, template, context)


class ReportDetailView(ObjectDetailView):
    model = Report
    template_name = "wall/review/report_detail.html"
    detail_fields = [
        "reason",
        "detail",
        "weight",
        "status",
        "due_at",
        "handled_by",
        "handled_at",
        "resolution_note",
    ]

    def base_queryset(self):
        return Report.objects.select_related("post", "comment", "comment__post", "reporter", "handled_by")

    def extra_context(self, obj, forms=None):
        target = obj.target
        lookup = {"post": target} if obj.post_id else {"comment": target}
        others = Report.objects.filter(**lookup).select_related("reporter", "handled_by").order_by("created")
        forms = forms or {}
        can_handle = Report.objects.restrict(self.request.user, "change").filter(pk=obj.pk).exists()
        return {
            "target": target,
            "target_body": hits_html(target.body, target.screening_hits),
            "target_url": reverse(
                "wall:review_post" if obj.post_id else "wall:review_comment", kwargs={"pk": target.pk}
            ),
            "item_reports": [(report, moderation.reporter_weight(report.reporter_key)) for report in others],
            "open_count": sum(1 for report in others if report.status == Report.Status.OPEN),
            "threshold": get_policy().wall.report_hide_threshold,
            "can_handle": can_handle,
            "uphold_form": forms.get("uphold") or NoteForm(prefix="uphold"),
            "dismiss_form": forms.get("dismiss") or NoteForm(prefix="dismiss", note_required=True),
        }


class _DetailActionView(ActionView):
    """An action on an object's detail page (``ObjectDetailView``): needs the change permission on
    the object, shows the detail page again with the form's errors, comes back to the page."""

    permission_action = "change"
    detail_url_name = ""

    def action_object(self):
        return get_object_or_404(self.restricted("change"), pk=self.kwargs["pk"])

    def render_with_form(self, obj, key, form):
        context = {
            **self.model_context(),
            "object": obj,
            "field_rows": self.field_rows(obj),
            **self.extra_context(obj, forms={key: form}),
        }
        return render(self.request, self.template_name, context, status=422)

    def success_url(self, action, obj) -> str:
        return reverse(self.detail_url_name, kwargs={"pk": obj.pk})


def _report_uphold(user, report, data):
    moderation.report_uphold(actor=user, report=report, note=data["note"])
    return _("The reports were upheld and the item removed.")


def _report_dismiss(user, report, data):
    moderation.report_dismiss(actor=user, report=report, note=data["note"])
    return _("The reports were dismissed.")


class ReportHandleView(_DetailActionView, ReportDetailView):
    detail_url_name = "wall:report_detail"
    actions = {
        "uphold": Action(partial(NoteForm, prefix="uphold"), _report_uphold),
        "dismiss": Action(partial(NoteForm, prefix="dismiss", note_required=True), _report_dismiss),
    }


# --- feedback and complaints ----------------------------------------------------------------------
def _due_badge(obj):
    from django.utils.html import format_html

    if obj.is_overdue:
        return format_html('<span class="badge text-bg-danger">{}</span>', _("overdue"))
    return ""


class FeedbackListView(ObjectListView):
    model = Feedback
    filterset_class = FeedbackFilterSet
    allow_bulk_delete = False
    default_ordering = ("due_at", "pk")
    columns = [
        Column("subject", linkify=True),
        Column("kind", order_by="kind"),
        Column("user", order_by="user__username"),
        Column("status", order_by="status"),
        Column("due_at", order_by="due_at"),
        Column("overdue", gettext_lazy("overdue"), render=_due_badge),
        Column("replied_at", order_by="replied_at"),
        Column("resolution", order_by="resolution"),
    ]

    def base_queryset(self):
        return Feedback.objects.select_related("user")


class FeedbackDetailView(ObjectDetailView):
    model = Feedback
    template_name = "wall/review/feedback_detail.html"
    detail_fields = [
        "kind",
        "user",
        "subject",
        "body",
        "post",
        "status",
        "created",
        "due_at",
        "replied_by",
        "replied_at",
        "resolution",
    ]

    def base_queryset(self):
        return Feedback.objects.select_related("user", "post", "replied_by")

    def extra_context(self, obj, forms=None):
        forms = forms or {}
        can_change = Feedback.objects.restrict(self.request.user, "change").filter(pk=obj.pk).exists()
        return {
            "can_answer": can_change and obj.status != Feedback.Status.CLOSED,
            "reply_form": forms.get("reply")
            or ReplyForm(initial={"reply": obj.reply, "resolution": obj.resolution}),
            "close_form": forms.get("close") or CloseForm(initial={"resolution": obj.resolution}),
        }


def _feedback_reply(user, feedback, data):
    moderation.feedback_reply(
        actor=user, feedback=feedback, reply=data["reply"], resolution=data["resolution"]
    )
    return _("Reply sent; the user sees it on their page.")


def _feedback_close(user, feedback, data):
    moderation.feedback_close(actor=user, feedback=feedback, resolution=data["resolution"])
    return _("Closed.")


class FeedbackActionView(_DetailActionView, FeedbackDetailView):
    detail_url_name = "wall:feedback_detail"
    errors_on_form = True
    actions = {
        "reply": Action(ReplyForm, _feedback_reply),
        "close": Action(CloseForm, _feedback_close),
    }


# --- take-down requests from authors --------------------------------------------------------------
class TakedownRequestListView(ConsolePermissionMixin, View):
    permissions = ("wall.take_down_post",)

    def get(self, request):
        posts = (
            Post.objects.restrict(request.user, "take_down")
            .filter(takedown_requested_at__isnull=False)
            .select_related("topic", "author")
            .order_by("takedown_requested_at", "pk")
        )
        page = Paginator(posts, 25).get_page(request.GET.get("page"))
        return render(
            request,
            "wall/review/takedown_list.html",
            {"page": page, "decline_form": NoteForm(note_required=True), "now": timezone.now()},
        )


class TakedownRequestDecideView(ConsolePermissionMixin, View):
    permissions = ("wall.take_down_post",)

    def post(self, request, pk, decision):
        if decision not in ("approve", "decline"):
            raise Http404
        post = get_object_or_404(Post.objects.restrict(request.user, "take_down"), pk=pk)
        form = NoteForm(request.POST, note_required=decision == "decline")
        if not form.is_valid():
            messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
            return HttpResponseRedirect(reverse("wall:takedown_list"))
        try:
            if decision == "approve":
                moderation.takedown_request_approve(
                    actor=request.user, post=post, note=form.cleaned_data["note"]
                )
                messages.success(request, _("The post was taken down as its author asked."))
            else:
                moderation.takedown_request_decline(
                    actor=request.user, post=post, note=form.cleaned_data["note"]
                )
                messages.success(request, _("The request was declined; the author was told why."))
        except ValidationError as exc:
            messages.error(request, errors_of(exc))
        return HttpResponseRedirect(reverse("wall:takedown_list"))


# --- the author's side ------------------------------------------------------------------------------
def _own_posts(user):
    return Post.objects.filter(
        Q(author=user) | Q(submitter_key=review.submitter_key_for(user)), status=Post.Status.SENT_BACK
    ).select_related("topic")


class SentBackListView(LoginRequiredMixin, View):
    """The author's posts that a reviewer sent back, each with the reviewer's note."""

    def get(self, request):
        posts = _own_posts(request.user).order_by("-reviewed_at", "-pk")[:50]
        return render(request, "wall/review/sent_back.html", {"posts": posts})


class ResubmitView(LoginRequiredMixin, View):
    template_name = "wall/review/resubmit.html"

    def get_post(self):
        return get_object_or_404(_own_posts(self.request.user), pk=self.kwargs["pk"])

    def get(self, request, pk):
        post = self.get_post()
        form = ResubmitForm(initial={"title": post.title, "body": post.body})
        return render(request, self.template_name, {"post": post, "form": form})

    def post(self, request, pk):
        post = self.get_post()
        form = ResubmitForm(request.POST)
        if form.is_valid():
            try:
                review.post_resubmit(
                    actor=request.user,
                    post=post,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(request, _("Your post was submitted again and waits for review."))
                return HttpResponseRedirect(reverse("my_page_sent_back"))
        return render(request, self.template_name, {"post": post, "form": form}, status=422)
