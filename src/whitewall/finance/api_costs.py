"""REST API of purchases, cost reports, saving measures and the cost analysis (same services and
restrictions as the console)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from whitewall.core.api.serializers import ModelCleanSerializer
from whitewall.core.api.viewsets import RestrictedModelViewSet, RestrictedViewSetMixin
from whitewall.core.permissions import CHANGE, VIEW
from whitewall.finance import analysis, filtersets_costs, services
from whitewall.finance.models import (
    BudgetLine,
    CostReport,
    CostReportStatus,
    PurchaseItem,
    PurchaseRequest,
    PurchaseStatus,
    SavingMeasure,
)


# --- purchase requests ----------------------------------------------------------------------------
class PurchaseItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PurchaseItem
        fields = ("description", "quantity", "unit_price", "amount")
        read_only_fields = ("amount",)


class PurchaseRequestSerializer(serializers.ModelSerializer):
    items = PurchaseItemSerializer(many=True)
    number = serializers.CharField(read_only=True)

    class Meta:
        model = PurchaseRequest
        fields = (
            "id",
            "number",
            "title",
            "requester",
            "department",
            "category",
            "project",
            "reason",
            "expected_date",
            "items",
            "amount",
            "status",
            "budget_warning",
            "override_reason",
            "supplier",
            "order_reference",
            "ordered_on",
            "received_on",
            "received_amount",
            "cancel_reason",
            "created",
            "updated",
        )
        read_only_fields = (
            "requester",
            "amount",
            "status",
            "budget_warning",
            "override_reason",
            "supplier",
            "order_reference",
            "ordered_on",
            "received_on",
            "received_amount",
            "cancel_reason",
        )


class PurchaseSubmitSerializer(serializers.Serializer):
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class OrderSerializer(serializers.Serializer):
    supplier = serializers.CharField(max_length=200)
    order_reference = serializers.CharField(max_length=100)
    ordered_on = serializers.DateField(required=False, allow_null=True)


class ReceiveSerializer(serializers.Serializer):
    received_on = serializers.DateField(required=False, allow_null=True)
    received_amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class PurchaseRequestViewSet(RestrictedModelViewSet):
    """Purchase requests. Creating or changing one (a draft) gives its items; ``submit`` commits the
    budget and starts the approval; ``order`` and ``receive`` (finance) follow; ``receive`` turns
    the committed budget into actual spending at the received amount."""

    model = PurchaseRequest
    serializer_class = PurchaseRequestSerializer
    filterset_class = filtersets_costs.PurchaseRequestFilterSet

    def base_queryset(self):
        return PurchaseRequest.objects.prefetch_related("items")

    def perform_write(self, serializer):
        data = dict(serializer.validated_data)
        items = [
            {"description": i["description"], "quantity": i["quantity"], "unit_price": i["unit_price"]}
            for i in data.pop("items", [])
        ]
        request = serializer.instance or PurchaseRequest(requester=self.request.user)
        for name, value in data.items():
            setattr(request, name, value)
        if serializer.instance is not None and "items" not in serializer.validated_data:
            items = [
                {"description": i.description, "quantity": i.quantity, "unit_price": i.unit_price}
                for i in request.items.all()
            ]
        return services.purchase_save(actor=self.request.user, request=request, items=items)

    def perform_delete(self, obj):
        if obj.status != PurchaseStatus.DRAFT:
            raise DjangoValidationError(_("Only a draft purchase request can be deleted."))
        obj.delete()

    def _act(self, serializer_class, run):
        obj = self.get_object()
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        run(obj, serializer.validated_data)
        obj.refresh_from_db()
        return Response(PurchaseRequestSerializer(obj).data)

    @extend_schema(request=PurchaseSubmitSerializer, responses=PurchaseRequestSerializer)
    @action(detail=True, methods=["post"], permission_action=VIEW)
    def submit(self, request, pk=None):
        return self._act(
            PurchaseSubmitSerializer,
            lambda obj, data: services.purchase_submit(
                actor=request.user, request=obj, override_reason=data.get("override_reason", "")
            ),
        )

    @extend_schema(request=OrderSerializer, responses=PurchaseRequestSerializer)
    @action(detail=True, methods=["post"], permission_action=CHANGE)
    def order(self, request, pk=None):
        return self._act(
            OrderSerializer,
            lambda obj, data: services.purchase_order(actor=request.user, request=obj, **data),
        )

    @extend_schema(request=ReceiveSerializer, responses=PurchaseRequestSerializer)
    @action(detail=True, methods=["post"], permission_action=CHANGE)
    def receive(self, request, pk=None):
        return self._act(
            ReceiveSerializer,
            lambda obj, data: services.purchase_receive(actor=request.user, request=obj, **data),
        )

    @extend_schema(request=CancelSerializer, responses=PurchaseRequestSerializer)
    @action(detail=True, methods=["post"], permission_action=CHANGE)
    def cancel(self, request, pk=None):
        return self._act(
            CancelSerializer,
            lambda obj, data: services.purchase_cancel(
                actor=request.user, request=obj, reason=data["reason"]
            ),
        )

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"], permission_action=VIEW)
    def check(self, request, pk=None):
        """The budget check of the request as it stands (its own commitment counted as available)."""
        obj = self.get_object()
        result = services.purchase_check(
            department=obj.department,
            category=obj.category,
            on=obj.expected_date,
            amount=obj.amount,
            request=obj,
        )
        return Response(result.as_dict())


# --- cost reports ---------------------------------------------------------------------------------
class CostReportSerializer(ModelCleanSerializer):
    class Meta:
        model = CostReport
        fields = (
            "id",
            "month",
            "status",
            "summary",
            "findings",
            "actions",
            "snapshot",
            "generated_at",
            "prepared_by",
            "published_at",
            "published_by",
            "created",
            "updated",
        )
        read_only_fields = (
            "status",
            "snapshot",
            "generated_at",
            "prepared_by",
            "published_at",
            "published_by",
        )

    def validate_month(self, value):
        if self.instance is not None and value != self.instance.month:
            raise serializers.ValidationError(_("The month of a report cannot change."))
        return value


class CostReportViewSet(RestrictedModelViewSet):
    """Monthly cost reports: frozen figures (``snapshot``) with the finance officer's findings and
    actions; ``publish`` tells executives and department heads."""

    model = CostReport
    serializer_class = CostReportSerializer
    filterset_class = filtersets_costs.CostReportFilterSet

    def perform_write(self, serializer):
        report = serializer.instance or CostReport()
        for name, value in serializer.validated_data.items():
            setattr(report, name, value)
        return services.cost_report_save(actor=self.request.user, report=report)

    def perform_delete(self, obj):
        if obj.status != CostReportStatus.DRAFT:
            raise DjangoValidationError(_("A published report cannot be deleted."))
        obj.delete()

    @extend_schema(request=None, responses=CostReportSerializer)
    @action(detail=True, methods=["post"], permission_action=CHANGE)
    def publish(self, request, pk=None):
        report = services.cost_report_publish(actor=request.user, report=self.get_object())
        return Response(CostReportSerializer(report).data)


# --- saving measures ------------------------------------------------------------------------------
class SavingMeasureSerializer(ModelCleanSerializer):
    effect = serializers.SerializerMethodField()

    class Meta:
        model = SavingMeasure
        fields = (
            "id",
            "title",
            "description",
            "owner",
            "department",
            "category",
            "baseline",
            "target_saving",
            "start_date",
            "end_date",
            "status",
            "effect",
            "created",
            "updated",
        )

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_effect(self, obj):
        effects = self.context.get("effects")
        if effects is None or obj.pk not in effects:
            effects = analysis.measure_effects([obj])
        return analysis.jsonable(effects.get(obj.pk))


class SavingMeasureViewSet(RestrictedModelViewSet):
    """Saving measures with their measured effect (average monthly actual before vs during)."""

    model = SavingMeasure
    serializer_class = SavingMeasureSerializer
    filterset_class = filtersets_costs.SavingMeasureFilterSet

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False) or self.request is None:
            return context
        if self.action == "list":
            context["effects"] = analysis.measure_effects(self.get_queryset())
        return context

    def perform_write(self, serializer):
        measure = serializer.instance or SavingMeasure()
        for name, value in serializer.validated_data.items():
            setattr(measure, name, value)
        return services.saving_measure_save(actor=self.request.user, measure=measure)


# --- the cost analysis ----------------------------------------------------------------------------
class CostAnalysisViewSet(RestrictedViewSetMixin, viewsets.ViewSet):
    """Budget vs committed vs actual by department, category, project and month, with execution
    rate, variance to date and top cost drivers (the dashboard's figures, within the user's scope)."""

    model = BudgetLine
    permission_action = VIEW

    @extend_schema(
        parameters=[
            OpenApiParameter("fiscal_year", int, description="Fiscal year id (default: the current year)"),
            OpenApiParameter("department", int),
            OpenApiParameter("category", int),
            OpenApiParameter("upto", int, description="Fiscal month the 'to date' figures run to"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        filters = analysis.filters_from(request.query_params)
        return Response(analysis.jsonable(analysis.cost_analysis(request.user, filters)))
