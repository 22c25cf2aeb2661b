"""Approval pages: the inbox (to do, done, CC'd, mine), a request with its decision form, all
requests (for those who may read them), and the user's own delegations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from whitewall.approvals import selectors, services
from whitewall.approvals.filtersets import ApprovalRequestFilterSet
from whitewall.approvals.forms import AddApproverForm, CCForm, DecisionForm, DelegationForm, WithdrawForm
from whitewall.approvals.labels import process_label
from whitewall.approvals.models import ApprovalRequest, Delegation, RequestStatus
from whitewall.core.permissions import has_model_permission
from whitewall.core.tables import Column
from whitewall.core.views.generic import ObjectListView

STATUS_STYLE = {
    RequestStatus.DRAFT: "secondary",
    RequestStatus.PENDING: "primary",
    RequestStatus.APPROVED: "success",
    RequestStatus.REJECTED: "danger",
    RequestStatus.SENT_BACK: "warning",
    RequestStatus.WITHDRAWN: "secondary",
}


def status_badge(request: ApprovalRequest):
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        STATUS_STYLE.get(request.status, "secondary"),
        request.get_status_display(),
    )


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def visible_request(user, pk: int) -> ApprovalRequest:
    """The request if the user takes part in it or may read it; 404 for readers of other rows, else 403."""
    found = (
        ApprovalRequest.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("submitted_by", "content_type")
        .first()
    )
    if found is None:
        if has_model_permission(user, ApprovalRequest, "view"):
            raise Http404
        raise PermissionDenied(_("You do not take part in this approval request."))
    return found


# --- inbox -------------------------------------------------------------------------------------------
class InboxView(View):
    """待办 / 已办 / 抄送我 / 我发起的 — every staff member's own approvals."""

    BOXES = {
        "todo": gettext_lazy("To do"),
        "done": gettext_lazy("Done"),
        "cc": gettext_lazy("CC'd"),
        "mine": gettext_lazy("Submitted by me"),
    }

    def get(self, request):
        user = request.user
        box = request.GET.get("box", "todo")
        if box not in self.BOXES:
            box = "todo"
        if box == "todo":
            rows = selectors.todo_tasks(user)
        elif box == "done":
            rows = selectors.done_tasks(user)
        elif box == "cc":
            rows = selectors.cc_entries(user)
        else:
            rows = selectors.submitted_requests(user)
        page = Paginator(rows, 25).get_page(request.GET.get("page"))
        counts = {"todo": selectors.todo_count(user)}
        context = {
            "box": box,
            "boxes": [(key, label, counts.get(key)) for key, label in self.BOXES.items()],
            "page": page,
            "status_style": STATUS_STYLE,
        }
        return render(request, "approvals/inbox.html", context)


# --- all requests (readers with permission) -----------------------------------------------------------
class ApprovalRequestListView(ObjectListView):
    model = ApprovalRequest
    filterset_class = ApprovalRequestFilterSet
    allow_bulk_delete = False
    default_ordering = ("-submitted_at", "-pk")
    columns = [
        Column("title", order_by="title", linkify=True),
        Column("process", order_by="process", render=lambda r: process_label(r.process)),
        Column("status", order_by="status", render=status_badge),
        Column("submitted_by", order_by="submitted_by__full_name"),
        Column("submitted_at", order_by="submitted_at"),
        Column("finished_at", order_by="finished_at"),
    ]

    def base_queryset(self):
        return ApprovalRequest.objects.select_related("submitted_by")


# --- one request ---------------------------------------------------------------------------------------
def _tier_rows(obj: ApprovalRequest) -> list[dict]:
    tasks = list(obj.tasks.filter(round=obj.round).select_related("assignee", "decided_by", "added_by"))
    rows = []
    for index, tier in enumerate(obj.tiers):
        if not tier.get("applies", True):
            state = "skipped"
        elif obj.status == RequestStatus.PENDING and index == obj.current_tier:
            state = "current"
        elif index < obj.current_tier or obj.status == RequestStatus.APPROVED:
            state = "done"
        else:
            state = "waiting"
        rows.append(
            {
                "index": index,
                "name": tier["name"],
                "mode": tier["mode"],
                "quorum": tier.get("quorum"),
                "conditions": tier.get("conditions", []),
                "state": state,
                "tasks": [t for t in tasks if t.tier_index == index],
            }
        )
    return rows


class ApprovalRequestDetailView(View):
    template_name = "approvals/request_detail.html"

    def context(self, obj: ApprovalRequest, **forms) -> dict:
        user = self.request.user
        my_task = None
        if obj.status == RequestStatus.PENDING and user.pk != obj.submitted_by_id:
            my_task = next((t for t in selectors.todo_tasks(user).filter(request=obj)), None)
        document = obj.document
        document_url = None
        if document is not None and hasattr(document, "get_absolute_url"):
            try:
                document_url = document.get_absolute_url()
            except Exception:
                document_url = None
        is_applicant = user.pk == obj.submitted_by_id
        involved = is_applicant or obj.tasks.filter(assignee=user).exists() or my_task is not None
        can_withdraw = is_applicant and obj.status == RequestStatus.PENDING
        can_cc = involved and obj.status != RequestStatus.DRAFT
        shown = {
            "decision_form": my_task is not None,
            "approver_form": my_task is not None,
            "cc_form": can_cc,
            "withdraw_form": can_withdraw,
        }
        # Errors of a form that is not on the page any more (e.g. the step was completed meanwhile).
        action_errors = [
            error
            for key, form in forms.items()
            if not shown.get(key)
            for errors in form.errors.values()
            for error in errors
        ]
        return {
            "object": obj,
            "action_errors": action_errors,
            "document": document,
            "document_url": document_url,
            "status_badge": status_badge(obj),
            "tiers": _tier_rows(obj),
            "my_task": my_task,
            "is_applicant": is_applicant,
            "can_withdraw": can_withdraw,
            "can_resubmit": is_applicant
            and obj.status in (RequestStatus.SENT_BACK, RequestStatus.WITHDRAWN)
            and document is not None,
            "can_cc": can_cc,
            "ccs": list(obj.ccs.select_related("user")),
            "decision_form": forms.get("decision_form") or DecisionForm(),
            "approver_form": forms.get("approver_form") or (AddApproverForm() if my_task else None),
            "cc_form": forms.get("cc_form") or CCForm(),
            "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
            "approval_requests": list(
                ApprovalRequest.objects.filter(pk=obj.pk).prefetch_related(
                    "timeline__actor", "timeline__on_behalf_of"
                )
            ),
            "list_url": reverse("approvals:inbox"),
        }

    def get(self, request, pk):
        obj = visible_request(request.user, pk)
        return render(request, self.template_name, self.context(obj))


class _RequestActionView(ApprovalRequestDetailView):
    form_class = None
    form_key = ""
    success_message = ""

    def act(self, obj, form):  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    http_method_names = ["post"]

    def post(self, request, pk):
        obj = visible_request(request.user, pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.act(obj, form)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return HttpResponseRedirect(reverse("approvals:approvalrequest_detail", args=[obj.pk]))
        obj.refresh_from_db()
        return render(request, self.template_name, self.context(obj, **{self.form_key: form}), status=422)


class DecideView(_RequestActionView):
    form_class = DecisionForm
    form_key = "decision_form"
    success_message = gettext_lazy("Your decision is recorded.")

    def act(self, obj, form):
        services.approval_decide(
            actor=self.request.user,
            request=obj,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )


class AddApproverView(_RequestActionView):
    form_class = AddApproverForm
    form_key = "approver_form"
    success_message = gettext_lazy("The approver has been added to this step.")

    def act(self, obj, form):
        services.approval_add_reviewer(
            actor=self.request.user,
            request=obj,
            user=form.cleaned_data["user"],
            comment=form.cleaned_data["comment"],
        )


class CCView(_RequestActionView):
    form_class = CCForm
    form_key = "cc_form"
    success_message = gettext_lazy("CC sent.")

    def act(self, obj, form):
        services.approval_cc(actor=self.request.user, request=obj, users=list(form.cleaned_data["users"]))


class WithdrawView(_RequestActionView):
    form_class = WithdrawForm
    form_key = "withdraw_form"
    success_message = gettext_lazy("The request has been withdrawn.")

    def act(self, obj, form):
        services.approval_withdraw(actor=self.request.user, request=obj, comment=form.cleaned_data["comment"])


class ResubmitView(_RequestActionView):
    form_class = WithdrawForm  # no fields needed beyond an optional comment
    form_key = "withdraw_form"
    success_message = gettext_lazy("The request has been submitted again.")

    def act(self, obj, form):
        document = obj.document
        if document is None:
            raise ValidationError(_("The document of this request no longer exists."))
        services.approval_submit(actor=self.request.user, document=document, process=obj.process)


# --- delegations -------------------------------------------------------------------------------------
class MyDelegationsView(View):
    template_name = "approvals/delegations.html"

    def render_page(self, form, status=200):
        user = self.request.user
        today = timezone.localdate()
        given = list(Delegation.objects.filter(delegator=user).select_related("delegate")[:50])
        received = list(Delegation.objects.filter(delegate=user).select_related("delegator")[:50])
        context = {"form": form, "given": given, "received": received, "today": today}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_page(DelegationForm(user=request.user))

    def post(self, request):
        form = DelegationForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.approval_delegate(
                    actor=request.user,
                    delegate=data["delegate"],
                    start=data["start"],
                    end=data["end"],
                    process=data["process"] or None,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Delegation saved."))
                return HttpResponseRedirect(reverse("approvals:delegation_mine"))
        return self.render_page(form, status=422)


class DelegationEndView(View):
    def post(self, request, pk):
        delegation = get_object_or_404(Delegation, pk=pk, delegator=request.user)
        try:
            services.approval_delegation_end(actor=request.user, delegation=delegation)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Delegation ended."))
        return HttpResponseRedirect(reverse("approvals:delegation_mine"))
