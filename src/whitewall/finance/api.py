"""The finance REST API: budgets, budget lines (the ledger), adjustments, claims and the budget
check. Same restrictions as the console, same services for every write."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from whitewall.accounts.models import Department
from whitewall.core.api.viewsets import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from whitewall.core.permissions import VIEW
from whitewall.finance import control, filtersets, services
from whitewall.finance.models import (
    Budget,
    BudgetAdjustment,
    BudgetCategory,
    BudgetLine,
    Claim,
    ClaimLine,
)


# --- budgets ----------------------------------------------------------------------------------------
class BudgetSerializer(serializers.ModelSerializer):
    month_values = serializers.ListField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0),
        required=False,
        max_length=12,
        help_text=_("For percentages or amounts: 12 values, January to December."),
    )

    class Meta:
        model = Budget
        fields = (
            "id",
            "fiscal_year",
            "department",
            "category",
            "amount",
            "distribution",
            "month_values",
            "months",
            "status",
            "version",
            "note",
        )
        read_only_fields = ("months", "status", "version")


class BudgetViewSet(RestrictedModelViewSet):
    """Annual budgets per department × category × fiscal year. Writes only while a draft; every
    change is a new version. ``POST …/{id}/submit/`` sends a draft for approval,
    ``POST …/{id}/activate/`` makes an approved budget the line's budget."""

    model = Budget
    serializer_class = BudgetSerializer
    filterset_class = filtersets.BudgetFilterSet

    def base_queryset(self):
        return Budget.objects.select_related("fiscal_year", "department", "category")

    def perform_write(self, serializer):
        instance = serializer.instance or Budget()
        for name, value in serializer.validated_data.items():
            setattr(instance, name, [str(v) for v in value] if name == "month_values" else value)
        return services.budget_save(actor=self.request.user, budget=instance)

    def perform_delete(self, obj):
        if obj.status != "draft":
            raise DjangoValidationError(_("Only a draft budget can be deleted."))
        obj.delete()

    @extend_schema(request=None, responses=BudgetSerializer)
    @action(detail=True, methods=["post"], permission_action=VIEW)
    def submit(self, request, pk=None):
        budget = self.get_object()
        services.budget_submit(actor=request.user, budget=budget)
        budget.refresh_from_db()
        return Response(self.get_serializer(budget).data)

    @extend_schema(request=None, responses=BudgetSerializer)
    @action(detail=True, methods=["post"], permission_action=VIEW)
    def activate(self, request, pk=None):
        budget = self.get_object()
        services.budget_activate(actor=request.user, budget=budget)
        budget.refresh_from_db()
        return Response(self.get_serializer(budget).data)


class BudgetLineSerializer(serializers.ModelSerializer):
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    months = serializers.SerializerMethodField()

    class Meta:
        model = BudgetLine
        fields = (
            "id",
            "fiscal_year",
            "department",
            "category",
            "budget",
            "committed",
            "actual",
            "remaining",
            "months",
        )

    def get_months(self, line) -> list[dict]:
        return [
            {
                "month": m.month,
                "budget": str(m.budget),
                "committed": str(m.committed),
                "actual": str(m.actual),
            }
            for m in line.months.all()
        ]


class BudgetCheckSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    category = serializers.PrimaryKeyRelatedField(queryset=BudgetCategory.objects.all())
    on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class BudgetCheckResultSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["ok", "warn", "stop"])
    message = serializers.CharField()
    rule = serializers.CharField()
    amount = serializers.CharField()
    fiscal_year = serializers.IntegerField(allow_null=True)
    month = serializers.IntegerField(allow_null=True)
    budget = serializers.CharField()
    committed = serializers.CharField()
    actual = serializers.CharField()
    annual_remaining = serializers.CharField()
    monthly_remaining = serializers.CharField()


class BudgetLineViewSet(RestrictedReadOnlyViewSet):
    """The control ledger: budget, committed and actual per line and per month (running totals)."""

    model = BudgetLine
    serializer_class = BudgetLineSerializer
    filterset_class = filtersets.BudgetLineFilterSet

    def base_queryset(self):
        return BudgetLine.objects.prefetch_related("months")

    @extend_schema(
        parameters=[
            OpenApiParameter("department", int, required=True),
            OpenApiParameter("category", int, required=True),
            OpenApiParameter("on", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("amount", str, required=True),
        ],
        responses=BudgetCheckResultSerializer,
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def check(self, request):
        """Would spending ``amount`` on ``on`` fit the line? The policy's verdict (ok/warn/stop),
        remaining annual and accumulated-monthly budget, and a message."""
        data = BudgetCheckSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        result = control.budget_check(
            department=values["department"],
            category=values["category"],
            on=values["on"],
            amount=values["amount"],
        )
        return Response(result.as_dict())


# --- adjustments ------------------------------------------------------------------------------------
class BudgetAdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetAdjustment
        fields = (
            "id",
            "kind",
            "source",
            "target",
            "month",
            "amount",
            "reason",
            "status",
            "applicant",
            "applied_at",
        )
        read_only_fields = ("status", "applicant", "applied_at")


class BudgetAdjustmentViewSet(RestrictedModelViewSet):
    """Budget adjustments: increase, decrease or transfer; applied only when approved.
    ``POST …/{id}/submit/`` sends a draft through the approval flow."""

    model = BudgetAdjustment
    serializer_class = BudgetAdjustmentSerializer
    filterset_class = filtersets.BudgetAdjustmentFilterSet

    def perform_write(self, serializer):
        instance = serializer.instance or BudgetAdjustment(applicant=self.request.user)
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        return services.adjustment_save(actor=self.request.user, adjustment=instance)

    def perform_delete(self, obj):
        if obj.status != "draft":
            raise DjangoValidationError(_("Only a draft adjustment can be deleted; the others are history."))
        obj.delete()

    @extend_schema(request=None, responses=BudgetAdjustmentSerializer)
    @action(detail=True, methods=["post"], permission_action=VIEW)
    def submit(self, request, pk=None):
        adjustment = self.get_object()
        services.adjustment_submit(actor=request.user, adjustment=adjustment)
        adjustment.refresh_from_db()
        return Response(self.get_serializer(adjustment).data)


# --- claims -----------------------------------------------------------------------------------------
class ClaimLineSerializer(serializers.ModelSerializer):
    receipts = serializers.SerializerMethodField()

    class Meta:
        model = ClaimLine
        fields = (
            "id",
            "category",
            "date",
            "amount",
            "description",
            "invoice_number",
            "exception_reason",
            "exceeds_standard",
            "standard_note",
            "sanctioned_amount",
            "sanction_reason",
            "receipts",
        )
        read_only_fields = ("exceeds_standard", "standard_note", "sanctioned_amount", "sanction_reason")

    def get_receipts(self, line) -> list[dict]:
        return [
            {"id": r.pk, "name": r.original_name, "type": r.content_type, "size": r.size, "sha256": r.sha256}
            for r in line.receipts.all()
        ]


class ClaimSerializer(serializers.ModelSerializer):
    lines = ClaimLineSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        fields = (
            "id",
            "number",
            "applicant",
            "department",
            "project",
            "purpose",
            "status",
            "amount",
            "sanctioned_amount",
            "exceeds_standard",
            "submitted_at",
            "audited_at",
            "lines",
        )
        read_only_fields = (
            "number",
            "department",
            "status",
            "amount",
            "sanctioned_amount",
            "exceeds_standard",
            "submitted_at",
            "audited_at",
        )
        extra_kwargs = {"applicant": {"required": False}}


class ClaimViewSet(RestrictedModelViewSet):
    """Reimbursement claims. Create a draft, add lines (``POST …/{id}/lines/``; receipts are
    uploaded in the console), submit (``POST …/{id}/submit/``: the budget is committed and the
    approval flow starts), withdraw; finance officers audit and pay in the console or here."""

    model = Claim
    serializer_class = ClaimSerializer
    filterset_class = filtersets.ClaimFilterSet
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def base_queryset(self):
        return Claim.objects.select_related("applicant", "department").prefetch_related("lines__receipts")

    def perform_write(self, serializer):
        instance = serializer.instance or Claim()
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        return services.claim_save(actor=self.request.user, claim=instance)

    def perform_delete(self, obj):
        if obj.status != "draft" or obj.submitted_at is not None:
            raise DjangoValidationError(_("Only a claim that was never submitted can be deleted."))
        obj.delete()

    @extend_schema(request=ClaimLineSerializer, responses=ClaimLineSerializer)
    @action(detail=True, methods=["post"], permission_action="change")
    def lines(self, request, pk=None):
        claim = self.get_object()
        data = ClaimLineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = ClaimLine(claim=claim, **data.validated_data)
        services.claim_line_save(actor=request.user, line=line)
        return Response(ClaimLineSerializer(line).data, status=201)

    @extend_schema(request=None, responses=ClaimSerializer)
    @action(detail=True, methods=["post"], permission_action=VIEW)
    def submit(self, request, pk=None):
        claim = self.get_object()
        services.claim_submit(
            actor=request.user, claim=claim, override_reason=request.data.get("override_reason")
        )
        return Response(self.get_serializer(Claim.objects.get(pk=claim.pk)).data)

    @extend_schema(request=None, responses=ClaimSerializer)
    @action(detail=True, methods=["post"], permission_action=VIEW)
    def withdraw(self, request, pk=None):
        claim = self.get_object()
        services.claim_withdraw(actor=request.user, claim=claim)
        return Response(self.get_serializer(Claim.objects.get(pk=claim.pk)).data)
