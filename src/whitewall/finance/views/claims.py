"""Console pages for reimbursement claims: list, form, lines with receipts and the live budget
check, submission, finance audit, payment, printable form, receipts."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from whitewall.accounts.models import User
from whitewall.config.policy import get_policy
from whitewall.core.forms import StyledModelForm
from whitewall.core.money import format_money
from whitewall.core.permissions import CHANGE, VIEW, has_model_permission
from whitewall.core.tables import Column
from whitewall.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from whitewall.core.views.generic import ObjectPermissionRequiredMixin
from whitewall.finance import control, filtersets, services
from whitewall.finance.models import EDITABLE, BudgetCategory, Claim, ClaimLine, ClaimStatus, Receipt
from whitewall.finance.numerals import amount_in_words
from whitewall.finance.views.budgets import _ActionView, link, money_column

CLAIM_RELATED = ("applicant", "department", "project")


class ClaimListView(ObjectListView):
    model = Claim
    filterset_class = filtersets.ClaimFilterSet
    default_ordering = ("-id",)
    allow_bulk_delete = False
    columns = [
        Column("number", render=link, order_by="number"),
        Column("applicant", order_by="applicant__full_name"),
        Column("department", order_by="department__name"),
        Column("purpose"),
        money_column("amount"),
        Column("status", order_by="status"),
        Column("submitted_at", order_by="submitted_at"),
    ]

    def base_queryset(self):
        return Claim.objects.select_related(*CLAIM_RELATED)

    def extra_context(self):
        user = self.request.user
        return {"can_pay": has_model_permission(user, Claim, "pay")}


class ClaimDetailView(ObjectDetailView):
    model = Claim
    template_name = "finance/claim_detail.html"
    detail_fields = [
        "number",
        "applicant",
        "department",
        "project",
        "purpose",
        "status",
        Column("amount", render=lambda c: format_money(c.amount)),
        Column("sanctioned_amount", render=lambda c: format_money(c.sanctioned_amount)),
        "exceeds_standard",
        "created_by",
        "submitted_at",
        "payment",
    ]

    def base_queryset(self):
        return Claim.objects.select_related(*CLAIM_RELATED, "created_by", "payment")

    def extra_context(self, obj):
        user = self.request.user
        can_change = Claim.objects.restrict(user, CHANGE).filter(pk=obj.pk).exists()
        editable = obj.status in EDITABLE and can_change
        can_audit = (
            obj.status == ClaimStatus.FINANCE_AUDIT
            and user.pk != obj.applicant_id
            and Claim.objects.restrict(user, "audit").filter(pk=obj.pk).exists()
        )
        can_pay = (
            obj.status == ClaimStatus.APPROVED
            and user.pk != obj.applicant_id
            and Claim.objects.restrict(user, "pay").filter(pk=obj.pk).exists()
        )
        lines = list(obj.lines.select_related("category").prefetch_related("receipts"))
        return {
            "lines": lines,
            "editable": editable,
            "can_submit": obj.status in EDITABLE and obj.approval_can_submit(user),
            "can_withdraw": obj.status == ClaimStatus.IN_APPROVAL and user.pk == obj.applicant_id,
            "can_audit": can_audit,
            "can_pay": can_pay,
            "checklist": services.claim_checklist(obj)
            if (can_audit or obj.status == ClaimStatus.FINANCE_AUDIT)
            else obj.audit_checklist,
            "events": obj.events.select_related("actor"),
            "may_override": control._may_override(user),
        }


class ClaimForm(StyledModelForm):
    class Meta:
        model = Claim
        fields = ("applicant", "project", "purpose")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = self.fields["project"].queryset.filter(
            status__in=["planned", "active"]
        )
        if user is not None and not has_model_permission(user, Claim, "file_for_others"):
            # Only those allowed may file in another person's name: the field is fixed to oneself.
            self.fields["applicant"].queryset = User.objects.filter(pk=user.pk)
            self.fields["applicant"].initial = user.pk
        else:
            self.fields["applicant"].queryset = User.objects.filter(
                is_staff=True, is_active=True, staff_profile__isnull=False
            ).order_by("full_name")
        if self.instance.pk:
            self.fields["applicant"].disabled = True


class ClaimEditView(ObjectEditView):
    model = Claim
    form_class = ClaimForm

    def form_kwargs(self):
        return {"user": self.request.user}

    def get_form(self, obj, data=None, files=None):
        if obj.pk is None and data is not None and not data.get("applicant"):
            data = data.copy()
            data["applicant"] = str(self.request.user.pk)
        return super().get_form(obj, data, files)

    def save(self, form):
        return services.claim_save(actor=self.request.user, claim=form.instance)


class ClaimDeleteView(ObjectDeleteView):
    model = Claim

    def delete(self, obj):
        if obj.status != ClaimStatus.DRAFT or obj.submitted_at is not None:
            raise ValidationError(_("Only a claim that was never submitted can be deleted."))
        obj.delete()


# --- lines ------------------------------------------------------------------------------------------
class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ClaimLineForm(StyledModelForm):
    receipts = MultipleFileField(
        label=gettext_lazy("receipt files"),
        required=False,
        help_text=gettext_lazy("PDF, JPEG or PNG; several files may be chosen."),
    )

    class Meta:
        model = ClaimLine
        fields = ("category", "date", "amount", "description", "invoice_number", "exception_reason")
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = BudgetCategory.objects.filter(is_active=True)
        self.fields["amount"].widget.attrs.update({"min": "0.01", "step": "0.01"})


class _ClaimScoped(ObjectPermissionRequiredMixin, View):
    model = Claim
    permission_action = CHANGE

    def claim(self, pk) -> Claim:
        return get_object_or_404(
            Claim.objects.restrict(self.request.user, CHANGE).select_related(*CLAIM_RELATED), pk=pk
        )


class ClaimLineEditView(_ClaimScoped):
    template_name = "finance/claimline_edit.html"

    def get_line(self, pk):
        if self.request.resolver_match.url_name == "claim_line_add":
            return ClaimLine(claim=self.claim(pk))
        line = get_object_or_404(ClaimLine.objects.select_related("claim"), pk=pk)
        self.claim(line.claim_id)
        return line

    def render_form(self, line, form, status=200):
        claim = line.claim
        standards = [
            {
                "category": s.category,
                "scope": s.scope,
                "item": s.per_item_cap,
                "day": s.per_day_cap,
                "claim": s.per_claim_cap,
            }
            for s in get_policy().finance.standards
            if not s.grades or services.claims._grade(claim.applicant) in s.grades
        ]
        return render(
            self.request,
            self.template_name,
            {
                "claim": claim,
                "line": line,
                "form": form,
                "is_new": line.pk is None,
                "standards": standards,
                "check_url": reverse("finance:claim_budget_check", args=[claim.pk]),
            },
            status=status,
        )

    def get(self, request, pk):
        line = self.get_line(pk)
        initial = {} if line.pk else {"date": timezone.localdate()}
        return self.render_form(line, ClaimLineForm(instance=line, initial=initial))

    def post(self, request, pk):
        line = self.get_line(pk)
        form = ClaimLineForm(data=request.POST, files=request.FILES, instance=line)
        if not form.is_valid():
            return self.render_form(line, form, status=422)
        try:
            with transaction.atomic():
                services.claim_line_save(
                    actor=request.user, line=form.instance, files=form.cleaned_data["receipts"]
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            if line.pk is None:
                form.instance.pk = None
            return self.render_form(line, form, status=422)
        messages.success(request, _("Line saved."))
        return HttpResponseRedirect(line.claim.get_absolute_url())


class ClaimLineDeleteView(_ClaimScoped):
    def post(self, request, pk):
        line = get_object_or_404(ClaimLine, pk=pk)
        claim = self.claim(line.claim_id)
        try:
            services.claim_line_delete(actor=request.user, line=line)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        return HttpResponseRedirect(claim.get_absolute_url())


class ClaimBudgetCheckView(_ClaimScoped):
    """The live budget check of the line form (htmx): remaining budget and the policy's verdict."""

    def get(self, request, pk):
        claim = self.claim(pk)
        data = request.GET
        category = BudgetCategory.objects.filter(pk=data.get("category") or 0).first()
        on = parse_date(data.get("date") or "") if (data.get("date") or "").count("-") == 2 else None
        try:
            amount = Decimal(data.get("amount") or "0")
        except (InvalidOperation, ValueError):
            amount = None
        context = {"check": None, "problem": None}
        if category is None or on is None:
            context["problem"] = _("Choose a category and a date to see the remaining budget.")
        elif amount is None or not amount.is_finite() or amount <= 0:
            context["problem"] = _("The amount must be a number greater than zero.")
        elif on > timezone.localdate():
            context["problem"] = _("The date cannot be in the future.")
        else:
            context["check"] = control.budget_check(
                department=claim.department, category=category, on=on, amount=amount, exclude=claim
            )
            probe = ClaimLine(claim=claim, category=category, date=on, amount=amount)
            if data.get("line"):
                probe.pk = int(data["line"]) if str(data["line"]).isdigit() else None
            context["standard"] = services.line_standard(probe)[1]
        return render(request, "finance/partials/budget_check.html", context)


# --- actions ----------------------------------------------------------------------------------------
class ClaimSubmitView(_ActionView):
    model = Claim

    def run(self, obj):
        _request, warnings = services.claim_submit(
            actor=self.request.user, claim=obj, override_reason=self.request.POST.get("override_reason")
        )
        for warning in warnings:
            messages.warning(self.request, warning)
        return _("Submitted: the budget is committed and the claim is waiting for approval.")


class ClaimWithdrawView(_ActionView):
    model = Claim

    def run(self, obj):
        services.claim_withdraw(
            actor=self.request.user, claim=obj, comment=self.request.POST.get("comment", "")
        )
        return _("Withdrawn; the committed budget is released.")


class ClaimAuditView(ObjectPermissionRequiredMixin, View):
    model = Claim
    permission_action = "audit"

    def post(self, request, pk):
        claim = get_object_or_404(Claim.objects.restrict(request.user, "audit"), pk=pk)
        sanctions = {}
        for line in claim.lines.all():
            value = request.POST.get(f"sanctioned_{line.pk}", "").strip()
            if value:
                try:
                    sanctions[line.pk] = (Decimal(value), request.POST.get(f"reason_{line.pk}", ""))
                except InvalidOperation:
                    messages.error(
                        request, _("The sanctioned amount of “%(line)s” is not a number.") % {"line": line}
                    )
                    return HttpResponseRedirect(claim.get_absolute_url())
        try:
            services.claim_audit(
                actor=request.user,
                claim=claim,
                approve=request.POST.get("decision") == "approve",
                sanctions=sanctions,
                note=request.POST.get("note", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, text)
        else:
            messages.success(request, _("Finance audit recorded."))
        return HttpResponseRedirect(claim.get_absolute_url())


class ClaimPayView(ObjectPermissionRequiredMixin, View):
    """Pay one claim (from its page) or a batch (from the payment page)."""

    model = Claim
    permission_action = "pay"
    template_name = "finance/claim_pay.html"

    def payable(self):
        return (
            Claim.objects.restrict(self.request.user, "pay")
            .filter(status=ClaimStatus.APPROVED)
            .exclude(applicant=self.request.user)
            .select_related(*CLAIM_RELATED)
            .order_by("id")
        )

    def get(self, request):
        return render(request, self.template_name, {"claims": self.payable()[:500]})

    def post(self, request):
        ids = [int(v) for v in request.POST.getlist("claims") if v.isdigit()]
        claims = list(self.payable().filter(pk__in=ids))
        back = request.POST.get("back")
        try:
            payment = services.claim_pay(
                actor=request.user,
                claims=claims,
                reference=request.POST.get("reference", ""),
                note=request.POST.get("note", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(
                request,
                _("Paid %(count)d claims, %(total)s in total, reference %(ref)s.")
                % {"count": len(claims), "total": format_money(payment.total), "ref": payment.reference},
            )
        if back and len(ids) == 1:
            return HttpResponseRedirect(reverse("finance:claim_detail", args=[ids[0]]))
        return HttpResponseRedirect(reverse("finance:claim_pay"))


class ClaimPrintView(ObjectPermissionRequiredMixin, View):
    """The printable reimbursement form (报销单)."""

    model = Claim

    def get(self, request, pk):
        claim = get_object_or_404(
            Claim.objects.restrict(request.user, VIEW).select_related(
                *CLAIM_RELATED, "audited_by", "payment"
            ),
            pk=pk,
        )
        lines = list(claim.lines.select_related("category").prefetch_related("receipts"))
        request_ = claim.approval_request
        approvals = []
        if request_ is not None:
            approvals = list(
                request_.tasks.filter(decided_at__isnull=False, round=request_.round).select_related(
                    "decided_by"
                )
            )
        return render(
            request,
            "finance/claim_print.html",
            {
                "claim": claim,
                "lines": lines,
                "receipt_count": sum(len(line.receipts.all()) for line in lines),
                "words": amount_in_words(claim.payable_amount),
                "approvals": approvals,
            },
        )


class ReceiptDownloadView(ObjectPermissionRequiredMixin, View):
    model = Claim

    def get(self, request, pk):
        receipt = get_object_or_404(Receipt.objects.select_related("line__claim"), pk=pk)
        if not Claim.objects.restrict(request.user, VIEW).filter(pk=receipt.line.claim_id).exists():
            raise Http404
        try:
            handle = services.receipt_open(actor=request.user, receipt=receipt, request=request)
        except FileNotFoundError:
            raise Http404
        response = FileResponse(handle, content_type=receipt.content_type, filename=receipt.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        return response
