"""Console pages for purchase requests: list, detail with actions, the form with its items and the
live budget check, and the actions (submit, order, receive, cancel)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from whitewall.accounts.models import Department
from whitewall.core.forms import StyledModelForm
from whitewall.core.money import format_money
from whitewall.core.permissions import CHANGE, VIEW
from whitewall.core.tables import Column
from whitewall.core.urls_helpers import object_url
from whitewall.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from whitewall.core.views.generic import ObjectPermissionRequiredMixin, safe_return_url
from whitewall.finance import control, filtersets_costs, services
from whitewall.finance.models import (
    CENT,
    PURCHASE_EDITABLE,
    BudgetCategory,
    BudgetLine,
    Commitment,
    PurchaseRequest,
    PurchaseStatus,
)
from whitewall.finance.views.budgets import _ActionView, link, money_column, status_column

__all__ = [
    "PurchaseCancelView",
    "PurchaseCheckView",
    "PurchaseOrderView",
    "PurchaseReceiveView",
    "PurchaseRequestDeleteView",
    "PurchaseRequestDetailView",
    "PurchaseRequestEditView",
    "PurchaseRequestListView",
    "PurchaseSubmitView",
]

EMPTY_ROWS = 3


class PurchaseRequestListView(ObjectListView):
    model = PurchaseRequest
    filterset_class = filtersets_costs.PurchaseRequestFilterSet
    default_ordering = ("-id",)
    allow_bulk_delete = False
    columns = [
        Column("id", label=gettext_lazy("Purchase request"), render=link, order_by="id"),
        Column("department", order_by="department__name"),
        Column("category", order_by="category__sort_order"),
        Column("requester", order_by="requester__full_name"),
        money_column("amount"),
        status_column(),
        Column("expected_date", order_by="expected_date"),
        Column("supplier", order_by="supplier"),
    ]

    def base_queryset(self):
        return PurchaseRequest.objects.select_related("department", "category", "requester")


class PurchaseRequestDetailView(ObjectDetailView):
    model = PurchaseRequest
    template_name = "finance/purchases/detail.html"
    detail_fields = [
        "title",
        "requester",
        "department",
        "category",
        "project",
        "reason",
        "expected_date",
        Column("amount", render=lambda r: format_money(r.amount)),
        Column("status", accessor="get_status_display"),
        "budget_warning",
        "override_reason",
        "supplier",
        "order_reference",
        "ordered_on",
        "received_on",
        Column(
            "received_amount", render=lambda r: format_money(r.received_amount) if r.received_amount else "—"
        ),
        "cancel_reason",
        "updated",
    ]

    def base_queryset(self):
        return PurchaseRequest.objects.select_related("department", "category", "project", "requester")

    def extra_context(self, obj):
        user = self.request.user
        can_change = PurchaseRequest.objects.restrict(user, CHANGE).filter(pk=obj.pk).exists()
        is_finance = PurchaseRequest.objects.restrict(user, "manage").filter(pk=obj.pk).exists()
        commitment = Commitment.objects.filter(
            content_type__app_label="finance", content_type__model="purchaserequest", object_id=obj.pk
        ).first()
        line = (
            BudgetLine.objects.restrict(user, VIEW)
            .filter(
                department=obj.department_id,
                category=obj.category_id,
                fiscal_year__start_date__lte=obj.expected_date,
                fiscal_year__end_date__gte=obj.expected_date,
            )
            .first()
        )
        check = None
        if obj.status in PURCHASE_EDITABLE:
            check = services.purchase_check(
                department=obj.department,
                category=obj.category,
                on=obj.expected_date,
                amount=obj.amount,
                request=obj,
            )
        return (
            {
                "items": list(obj.items.all()),
                "commitment": commitment,
                "line": line,
                "check": check,
                "can_submit": obj.status in PURCHASE_EDITABLE
                and obj.requester_id == user.pk
                and obj.amount > 0,
                "may_override": control._may_override(user),
                "can_order": obj.status == PurchaseStatus.APPROVED and is_finance,
                "can_receive": obj.status == PurchaseStatus.ORDERED and is_finance,
                "can_cancel": can_change
                and obj.status in (*PURCHASE_EDITABLE, PurchaseStatus.APPROVED, PurchaseStatus.ORDERED),
                "today": timezone.localdate(),
                "is_editable": obj.status in PURCHASE_EDITABLE,
            }
            | ({} if obj.status in PURCHASE_EDITABLE else {"edit_url": None})
            | ({} if obj.status == PurchaseStatus.DRAFT else {"delete_url": None})
        )


class PurchaseRequestForm(StyledModelForm):
    class Meta:
        model = PurchaseRequest
        fields = ("title", "department", "category", "project", "expected_date", "reason")
        widgets = {
            "expected_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = BudgetCategory.objects.filter(is_active=True)
        profile = getattr(user, "staff_profile", None)
        # A new request: the requester's department and today, unless given.
        if profile is not None and not self.instance.pk and not self.initial.get("department"):
            self.initial["department"] = profile.department_id
        if not self.instance.pk and not self.initial.get("expected_date"):
            self.initial["expected_date"] = timezone.localdate()
        for name in ("department", "category", "expected_date"):
            self.fields[name].widget.attrs["data-budget-check"] = "1"


def posted_items(data) -> list[dict]:
    descriptions = data.getlist("item_description")
    quantities = data.getlist("item_quantity")
    prices = data.getlist("item_unit_price")
    size = max(len(descriptions), len(quantities), len(prices))

    def at(values, i):
        return values[i] if i < len(values) else ""

    return [
        {"description": at(descriptions, i), "quantity": at(quantities, i), "unit_price": at(prices, i)}
        for i in range(min(size, 200))
    ]


def items_total(items: list[dict]) -> Decimal:
    total = Decimal("0")
    for item in items:
        try:
            quantity = Decimal(str(item["quantity"]).replace(",", "").strip())
            price = Decimal(str(item["unit_price"]).replace(",", "").strip())
        except (InvalidOperation, ValueError):
            continue
        if quantity.is_finite() and price.is_finite() and quantity > 0 and price > 0:
            total += (quantity * price).quantize(CENT)
    return total


class PurchaseRequestEditView(ObjectEditView):
    model = PurchaseRequest
    form_class = PurchaseRequestForm
    template_name = "finance/purchases/edit.html"

    def get_object(self):
        obj = super().get_object()
        if obj.pk and obj.status not in PURCHASE_EDITABLE:
            raise Http404(_("Only a draft or withdrawn request can be changed."))
        return obj

    def get_form(self, obj, data=None, files=None):
        if obj.pk is None and obj.requester_id is None:
            obj.requester = self.request.user
        return self.form_class(data=data, files=files, instance=obj, user=self.request.user)

    def render_form(self, obj, form, status=200):
        if self.request.method == "POST":
            rows = posted_items(self.request.POST)
        elif obj.pk:
            rows = [
                {"description": i.description, "quantity": i.quantity, "unit_price": i.unit_price}
                for i in obj.items.all()
            ]
        else:
            rows = []
        rows = [r for r in rows if any(str(v).strip() for v in r.values())]
        context = {
            **self.model_context(),
            "object": obj,
            "form": form,
            "is_new": obj.pk is None,
            "return_url": safe_return_url(self.request, object_url(obj) if obj.pk else None),
            "rows": rows + [{"description": "", "quantity": "", "unit_price": ""}] * EMPTY_ROWS,
        }
        return render(self.request, self.template_name, context, status=status)

    def save(self, form):
        return services.purchase_save(
            actor=self.request.user, request=form.instance, items=posted_items(self.request.POST)
        )


class PurchaseRequestDeleteView(ObjectDeleteView):
    model = PurchaseRequest

    def delete(self, obj):
        if obj.status != PurchaseStatus.DRAFT:
            raise ValidationError(_("Only a draft purchase request can be deleted; cancel it instead."))
        obj.delete()


class PurchaseCheckView(ObjectPermissionRequiredMixin, View):
    """The live budget check of the purchase form (an htmx fragment; read-only)."""

    model = PurchaseRequest
    permission_action = VIEW

    def get(self, request):
        data = request.GET
        amount = items_total(posted_items(data))
        department = Department.objects.filter(pk=_int(data.get("department"))).first()
        category = BudgetCategory.objects.filter(pk=_int(data.get("category"))).first()
        on = _date(data.get("expected_date"))
        document = None
        pk = _int(data.get("pk"))
        if pk:
            document = PurchaseRequest.objects.restrict(request.user, VIEW).filter(pk=pk).first()
        check = None
        if department is not None and not _may_see_budget_of(request.user, department):
            department = None  # figures of another department's budget stay hidden
        if department and category and on and amount > 0:
            check = services.purchase_check(
                department=department, category=category, on=on, amount=amount, request=document
            )
        return render(
            request,
            "finance/purchases/check.html",
            {"check": check, "amount": amount, "complete": check is not None},
        )


def _may_see_budget_of(user, department) -> bool:
    """The requester's own department, or a department whose budget lines the user may read."""
    profile = getattr(user, "staff_profile", None)
    if profile is not None and profile.department_id == department.pk:
        return True
    return BudgetLine.objects.restrict(user, VIEW).filter(department=department).exists()


def _int(value):
    value = str(value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def _date(value):
    """A date as the form's date input sends it (ISO, or the active language's input formats)."""
    try:
        return forms.DateField(required=False).clean(str(value or "").strip()[:20])
    except ValidationError:
        return None


class PurchaseSubmitView(_ActionView):
    model = PurchaseRequest

    def run(self, obj):
        _approval, check = services.purchase_submit(
            actor=self.request.user, request=obj, override_reason=self.request.POST.get("override_reason", "")
        )
        if check.action == control.WARN:
            return _("Submitted for approval, with a budget warning: %(warning)s") % {
                "warning": check.message
            }
        return _("Submitted for approval; the amount is committed against the budget.")


class PurchaseOrderView(_ActionView):
    model = PurchaseRequest

    def run(self, obj):
        services.purchase_order(
            actor=self.request.user,
            request=obj,
            supplier=self.request.POST.get("supplier", ""),
            order_reference=self.request.POST.get("order_reference", ""),
            ordered_on=_date(self.request.POST.get("ordered_on")),
        )
        return _("The order is recorded.")


class PurchaseReceiveView(_ActionView):
    model = PurchaseRequest

    def run(self, obj):
        services.purchase_receive(
            actor=self.request.user,
            request=obj,
            received_on=_date(self.request.POST.get("received_on")),
            received_amount=self.request.POST.get("received_amount", ""),
        )
        return _("The receipt is recorded; the amount is now actual spending.")


class PurchaseCancelView(_ActionView):
    model = PurchaseRequest

    def run(self, obj):
        services.purchase_cancel(
            actor=self.request.user, request=obj, reason=self.request.POST.get("reason", "")
        )
        return _("The request is cancelled; its budget is given back.")
