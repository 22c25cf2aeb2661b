"""Console pages of the publishing plan: the calendar, plan items, staff posts, moving things."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from whitewall.core.permissions import has_model_permission
from whitewall.core.tables import Column
from whitewall.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from whitewall.core.views.generic import ObjectPermissionRequiredMixin
from whitewall.wall import calendar as plan_calendar
from whitewall.wall.filtersets_plan import PlanItemFilterSet, StaffPostFilterSet
from whitewall.wall.forms_plan import MoveForm, PlanItemForm, StaffPostForm
from whitewall.wall.models import PlanItem, Post, StaffPost
from whitewall.wall.services import plan as plan_services
from whitewall.wall.services import publishing


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# --- the calendar ----------------------------------------------------------------------------------
class PlanCalendarView(ObjectPermissionRequiredMixin, View):
    model = PlanItem

    def get(self, request):
        try:
            anchor = datetime.date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            anchor = None
        mode = request.GET.get("view", plan_calendar.MONTH)
        page = plan_calendar.build(request.user, mode=mode, anchor=anchor)
        user = request.user
        context = {
            "page": page,
            "can_move": has_model_permission(user, PlanItem, "change"),
            "can_schedule": has_model_permission(user, Post, "schedule"),
            "can_add": has_model_permission(user, PlanItem, "add"),
            "can_write": has_model_permission(user, StaffPost, "add"),
            "move_messages": {"failed": _("Not moved:"), "moved": _("Moved to %(when)s.")},
            "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        }
        return render(request, "wall/plan/calendar.html", context)


class _MoveView(ObjectPermissionRequiredMixin, View):
    """POST ``when`` (a form) or ``day`` (a drag, keeping the time of day); JSON for fetch()."""

    template_name = "wall/plan/move.html"

    def current_moment(self, obj):
        raise NotImplementedError

    def move(self, obj, when):
        raise NotImplementedError

    def wants_json(self) -> bool:
        return "application/json" in self.request.headers.get("Accept", "")

    def get(self, request, pk):
        obj = self.get_object()
        form = MoveForm(initial={"when": timezone.localtime(self.current_moment(obj)).replace(tzinfo=None)})
        return render(
            request,
            self.template_name,
            {"object": obj, "form": form, "current": _local(self.current_moment(obj))},
        )

    def post(self, request, pk):
        obj = self.get_object()
        form = MoveForm(request.POST)
        if form.is_valid():
            when = form.cleaned_data.get("when")
            if when is None:
                when = plan_services.moved_to_day(self.current_moment(obj), form.cleaned_data["day"])
            try:
                moved = self.move(obj, when)
            except ValidationError as exc:
                error_dict = exc.error_dict if hasattr(exc, "error_dict") else {"__all__": exc.error_list}
                for field, errors in error_dict.items():
                    form.add_error("when" if field in ("slot", "scheduled_for") else None, errors)
            except PermissionDenied as exc:
                if self.wants_json():
                    return JsonResponse({"ok": False, "errors": [str(exc)]}, status=403)
                raise
            else:
                if self.wants_json():
                    return JsonResponse({"ok": True, "slot": _local(self.current_moment(moved))})
                messages.success(
                    request, _("Moved to %(when)s.") % {"when": _local(self.current_moment(moved))}
                )
                day = timezone.localtime(self.current_moment(moved)).date().isoformat()
                return HttpResponseRedirect(reverse("wall:plan") + f"?date={day}")
        if self.wants_json():
            errors = [str(message) for messages_ in form.errors.values() for message in messages_]
            return JsonResponse({"ok": False, "errors": errors}, status=422)
        return render(
            request,
            self.template_name,
            {"object": obj, "form": form, "current": _local(self.current_moment(obj))},
            status=422,
        )


class PlanItemMoveView(_MoveView):
    model = PlanItem
    permission_action = "change"

    def get_object(self):
        return get_object_or_404(PlanItem.objects.restrict(self.request.user, "change"), pk=self.kwargs["pk"])

    def current_moment(self, obj):
        return obj.slot

    def move(self, obj, when):
        return plan_services.plan_item_move(actor=self.request.user, item=obj, when=when)


class PostMoveView(_MoveView):
    model = Post
    permission_action = "schedule"

    def get_object(self):
        return get_object_or_404(
            Post.objects.restrict(self.request.user, "schedule").filter(
                status__in=(Post.Status.APPROVED, Post.Status.SCHEDULED)
            ),
            pk=self.kwargs["pk"],
        )

    def current_moment(self, obj):
        return obj.scheduled_for or timezone.now()

    def move(self, obj, when):
        return publishing.post_schedule(actor=self.request.user, post=obj, when=when)


# --- plan items ---------------------------------------------------------------------------------------
def _plan_link(item):
    return reverse("wall:plan") + f"?date={timezone.localdate(item.slot).isoformat()}"


class PlanItemListView(ObjectListView):
    model = PlanItem
    filterset_class = PlanItemFilterSet
    default_ordering = ("slot",)
    columns = [
        Column("title", order_by="title", linkify=True),
        Column("slot", order_by="slot", render=lambda item: _local(item.slot)),
        Column("topic", order_by="topic__name"),
        Column("owner", order_by="owner__full_name"),
        Column("status", order_by="status", render=lambda item: item.get_status_display()),
        Column("post", accessor="post"),
    ]

    def base_queryset(self):
        return PlanItem.objects.select_related("topic", "owner", "post")


class PlanItemDetailView(ObjectDetailView):
    model = PlanItem
    template_name = "wall/plan/planitem_detail.html"
    detail_fields = ["title", "slot", "topic", "owner", "status", "post", "notes", "created", "updated"]

    def base_queryset(self):
        return PlanItem.objects.select_related("topic", "owner", "post")

    def extra_context(self, obj):
        user = self.request.user
        return {
            "calendar_url": _plan_link(obj),
            "move_url": reverse("wall:planitem_move", args=[obj.pk])
            if PlanItem.objects.restrict(user, "change").filter(pk=obj.pk).exists()
            and obj.status not in plan_services.FINAL_ITEM_STATUSES
            else None,
            "write_url": reverse("wall:staffpost_add") + f"?plan_item={obj.pk}"
            if obj.post_id is None and has_model_permission(user, StaffPost, "add")
            else None,
        }


class PlanItemEditView(ObjectEditView):
    model = PlanItem
    form_class = PlanItemForm

    def get_form(self, obj, data=None, files=None):
        form = super().get_form(obj, data=data, files=files)
        if obj.pk is None and data is None:
            form.initial.setdefault("owner", self.request.user.pk)
            day = self.request.GET.get("day")
            try:
                when = datetime.datetime.combine(datetime.date.fromisoformat(day or ""), datetime.time(10))
                form.initial.setdefault("slot", when)
            except ValueError:
                pass
        return form

    def save(self, form):
        return plan_services.plan_item_save(actor=self.request.user, item=form.instance)


class PlanItemDeleteView(ObjectDeleteView):
    model = PlanItem


# --- staff posts --------------------------------------------------------------------------------------
class StaffPostListView(ObjectListView):
    model = StaffPost
    filterset_class = StaffPostFilterSet
    default_ordering = ("-created",)
    columns = [
        Column("title", order_by="title", linkify=True),
        Column("topic", order_by="topic__name"),
        Column("owner", order_by="owner__full_name"),
        Column("status", order_by="status", render=lambda post: post.get_status_display()),
        Column("scheduled_for", order_by="scheduled_for", render=lambda post: _local(post.scheduled_for)),
        Column("published_at", order_by="published_at", render=lambda post: _local(post.published_at)),
    ]

    def base_queryset(self):
        return StaffPost.objects.select_related("topic", "owner")

    def delete_object(self, obj):
        if not obj.is_editable:
            raise ValidationError(_("Only drafts can be deleted."))
        obj.delete()


class StaffPostDetailView(ObjectDetailView):
    model = StaffPost
    template_name = "wall/plan/staffpost_detail.html"
    detail_fields = [
        "title", "topic", "status", "owner", "author", "submitted_at", "reviewed_by", "reviewed_at",
        "scheduled_for", "published_at", "expires_at",
    ]  # fmt: skip

    def base_queryset(self):
        return StaffPost.objects.select_related("topic", "owner", "author", "reviewed_by")

    def extra_context(self, obj):
        user = self.request.user
        can_change = StaffPost.objects.restrict(user, "change").filter(pk=obj.pk).exists()
        return {
            "submit_url": reverse("wall:staffpost_submit", args=[obj.pk])
            if can_change and obj.is_editable
            else None,
            "move_url": reverse("wall:post_move", args=[obj.pk])
            if obj.status in (Post.Status.APPROVED, Post.Status.SCHEDULED)
            and Post.objects.restrict(user, "schedule").filter(pk=obj.pk).exists()
            else None,
            "plan_item": PlanItem.objects.filter(post=obj.pk).first(),
        }


class StaffPostEditView(ObjectEditView):
    model = StaffPost
    form_class = StaffPostForm
    template_name = "wall/plan/staffpost_edit.html"

    def get_object(self):
        obj = super().get_object()
        if obj.pk and not obj.is_editable:
            raise PermissionDenied(_("Only drafts and posts sent back can be edited."))
        return obj

    def form_kwargs(self):
        return {"user": self.request.user}

    def get_form(self, obj, data=None, files=None):
        form = super().get_form(obj, data=data, files=files)
        if obj.pk is None and data is None:
            item = (
                PlanItem.objects.restrict(self.request.user, "change")
                .filter(pk=self.request.GET.get("plan_item") or 0, post__isnull=True)
                .first()
            )
            if item is not None:
                form.initial.update({"plan_item": item.pk, "title": item.title, "topic": item.topic_id})
        return form

    def save(self, form):
        return plan_services.staff_post_save(
            actor=self.request.user, post=form.instance, plan_item=form.cleaned_data.get("plan_item")
        )


class StaffPostDeleteView(ObjectDeleteView):
    model = StaffPost

    def delete(self, obj):
        if not obj.is_editable:
            raise ValidationError(_("Only drafts can be deleted."))
        obj.delete()


class StaffPostSubmitView(ObjectPermissionRequiredMixin, View):
    model = StaffPost
    permission_action = "change"

    def post(self, request, pk):
        post = get_object_or_404(StaffPost.objects.restrict(request.user, "change"), pk=pk)
        try:
            plan_services.staff_post_submit(actor=request.user, post=post)
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
        else:
            messages.success(request, _("Submitted for approval."))
        return HttpResponseRedirect(post.get_absolute_url())
