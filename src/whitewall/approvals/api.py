"""The approval engine's REST API: the requests you take part in (with their steps and timeline),
your inbox (to do, done, CC'd), the actions on a request, and your delegations.

Every write goes through the approval services, so the rules are the console's: no
self-approval, a reason for a rejection or a send-back, race-safe decisions, and so on.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from whitewall.approvals import selectors, services
from whitewall.approvals.filtersets import ApprovalRequestFilterSet
from whitewall.approvals.mixins import Approvable
from whitewall.approvals.models import (
    ApprovalCC,
    ApprovalRequest,
    ApprovalTask,
    ApprovalTimelineEntry,
    Decision,
    Delegation,
)
from whitewall.core.api.mixins import ThrottleFirstMixin
from whitewall.core.api.pagination import StableCursorPagination
from whitewall.core.api.permissions import IsAuthenticatedUser
from whitewall.core.api.viewsets import RestrictedViewSetMixin
from whitewall.core.permissions import VIEW, has_model_permission

User = get_user_model()


class IsActiveStaffMember(IsAuthenticatedUser):
    """Any active staff member: what each one sees is what they take part in (or may read)."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and bool(request.user.is_staff)


def _staff():
    return User.objects.filter(is_staff=True, is_active=True)


class PersonField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return _staff()

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return {"id": value.pk, "username": value.username, "full_name": value.full_name}


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "full_name": user.full_name}


# --- serializers ----------------------------------------------------------------------------------------
class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()


class ApprovalTaskSerializer(serializers.ModelSerializer):
    assignee = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalTask
        fields = (
            "id",
            "round",
            "tier_index",
            "assignee",
            "origin",
            "status",
            "skip_reason",
            "decision",
            "comment",
            "decided_by",
            "decided_at",
        )
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_assignee(self, obj):
        return _person(obj.assignee)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_decided_by(self, obj):
        return _person(obj.decided_by)


class TimelineEntrySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    on_behalf_of = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ApprovalTimelineEntry
        fields = (
            "id",
            "kind",
            "kind_label",
            "actor",
            "on_behalf_of",
            "round",
            "tier_index",
            "comment",
            "detail",
            "created",
        )
        read_only_fields = fields

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_actor(self, obj):
        return _person(obj.actor)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_on_behalf_of(self, obj):
        return _person(obj.on_behalf_of)


class ApprovalRequestSerializer(serializers.ModelSerializer):
    submitted_by = serializers.SerializerMethodField()
    document_type = serializers.SerializerMethodField()
    document_id = serializers.IntegerField(source="object_id", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ApprovalRequest
        fields = (
            "id",
            "title",
            "process",
            "status",
            "status_label",
            "document_type",
            "document_id",
            "round",
            "current_tier",
            "submitted_by",
            "submitted_at",
            "tier_started_at",
            "finished_at",
        )
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_submitted_by(self, obj):
        return _person(obj.submitted_by)

    def get_document_type(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class TierSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    name = serializers.CharField()
    mode = serializers.CharField()
    quorum = serializers.IntegerField(allow_null=True)
    applies = serializers.BooleanField()
    tasks = ApprovalTaskSerializer(many=True)


class ApprovalRequestDetailSerializer(ApprovalRequestSerializer):
    tiers = serializers.SerializerMethodField()
    timeline = TimelineEntrySerializer(many=True, read_only=True)
    cc = serializers.SerializerMethodField()

    class Meta(ApprovalRequestSerializer.Meta):
        fields = (*ApprovalRequestSerializer.Meta.fields, "tiers", "timeline", "cc")
        read_only_fields = fields

    @extend_schema_field(TierSerializer(many=True))
    def get_tiers(self, obj):
        return []  # filled by the view (one query for every step's tasks)

    @extend_schema_field(PersonSerializer(many=True))
    def get_cc(self, obj):
        return [_person(cc.user) for cc in obj.ccs.all()]


# --- inbox rows ---------------------------------------------------------------------------------------
class InboxTaskSerializer(ApprovalTaskSerializer):
    request = ApprovalRequestSerializer(read_only=True)

    class Meta(ApprovalTaskSerializer.Meta):
        fields = (*ApprovalTaskSerializer.Meta.fields, "request")
        read_only_fields = fields


class InboxCCSerializer(serializers.ModelSerializer):
    request = ApprovalRequestSerializer(read_only=True)

    class Meta:
        model = ApprovalCC
        fields = ("id", "origin", "created", "request")
        read_only_fields = fields


# --- action bodies --------------------------------------------------------------------------------------
class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=services.COMMENT_MAX_LENGTH, default=""
    )


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=services.COMMENT_MAX_LENGTH, default=""
    )


class AddApproverSerializer(CommentSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _staff()


class CCBodySerializer(serializers.Serializer):
    users = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.none(), allow_empty=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].child_relation.queryset = _staff()


class SubmitSerializer(serializers.Serializer):
    document_type = serializers.CharField(
        max_length=100, help_text=_("The document's model, app_label.model.")
    )
    document_id = serializers.IntegerField(min_value=1)
    process = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=_("Default: the document's own process.")
    )

    def validate_document_type(self, value):
        try:
            model = apps.get_model(value)
        except (LookupError, ValueError):
            raise serializers.ValidationError(
                _("%(value)s is not a model (write app_label.model).") % {"value": value}
            )
        if not issubclass(model, Approvable):
            raise serializers.ValidationError(_("Documents of this kind are not submitted for approval."))
        return model


# --- requests -----------------------------------------------------------------------------------------
class ApprovalRequestViewSet(ThrottleFirstMixin, viewsets.ReadOnlyModelViewSet):
    """The approval requests you take part in (as applicant, approver, delegate or CC) or may read
    (``approvals.view_approvalrequest``); a request outside them answers 403 (or 404 for readers)."""

    model = ApprovalRequest
    permission_classes = [IsActiveStaffMember]
    serializer_class = ApprovalRequestSerializer
    filterset_class = ApprovalRequestFilterSet
    pagination_class = StableCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApprovalRequest.objects.none()
        queryset = ApprovalRequest.objects.visible_to(self.request.user).select_related(
            "submitted_by", "content_type"
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("timeline__actor", "timeline__on_behalf_of", "ccs__user")
        return queryset

    def get_serializer_class(self):
        return ApprovalRequestDetailSerializer if self.action != "list" else ApprovalRequestSerializer

    def get_object(self):
        queryset = (
            self.filter_queryset(self.get_queryset()) if self.action == "retrieve" else self.get_queryset()
        )
        found = queryset.filter(pk=self.kwargs["pk"]).first() if str(self.kwargs["pk"]).isdigit() else None
        if found is None:
            if has_model_permission(self.request.user, ApprovalRequest, VIEW):
                raise exceptions.NotFound()
            raise exceptions.PermissionDenied(_("You do not take part in this approval request."))
        return found

    def retrieve(self, request, pk=None):
        obj = self.get_object()
        data = ApprovalRequestDetailSerializer(obj, context=self.get_serializer_context()).data
        data["tiers"] = self._tiers(obj)
        return Response(data)

    @staticmethod
    def _tiers(obj: ApprovalRequest) -> list[dict]:
        tasks = list(obj.tasks.filter(round=obj.round).select_related("assignee", "decided_by"))
        return [
            {
                "index": index,
                "name": tier["name"],
                "mode": tier["mode"],
                "quorum": tier.get("quorum"),
                "applies": tier.get("applies", True),
                "tasks": ApprovalTaskSerializer([t for t in tasks if t.tier_index == index], many=True).data,
            }
            for index, tier in enumerate(obj.tiers)
        ]

    def _answer(self, obj, code=status.HTTP_200_OK):
        obj = ApprovalRequest.objects.select_related("submitted_by", "content_type").get(pk=obj.pk)
        data = ApprovalRequestDetailSerializer(obj, context=self.get_serializer_context()).data
        data["tiers"] = self._tiers(obj)
        return Response(data, status=code)

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    @extend_schema(request=DecisionSerializer, responses=ApprovalRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve, reject or send back (``send_back``) the step waiting for you (a reason is needed
        to reject or send back)."""
        obj = self.get_object()
        body = self._body(DecisionSerializer)
        services.approval_decide(
            actor=request.user, request=obj, decision=body["decision"], comment=body["comment"]
        )
        return self._answer(obj)

    @extend_schema(request=CommentSerializer, responses=ApprovalRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take back your own pending request (it can be resubmitted later)."""
        obj = self.get_object()
        body = self._body(CommentSerializer)
        services.approval_withdraw(actor=request.user, request=obj, comment=body["comment"])
        return self._answer(obj)

    @extend_schema(request=None, responses=ApprovalRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        """Submit your request again after a send-back or a withdrawal."""
        obj = self.get_object()
        document = obj.document
        if document is None:
            raise exceptions.ValidationError(
                {"document_id": [_("The document of this request no longer exists.")]}
            )
        services.approval_submit(actor=request.user, document=document, process=obj.process)
        return self._answer(obj)

    @extend_schema(request=AddApproverSerializer, responses=ApprovalRequestDetailSerializer)
    @action(detail=True, methods=["post"], url_path="add-approver")
    def add_approver(self, request, pk=None):
        """加签: ask another staff member to approve the current step as well."""
        obj = self.get_object()
        body = self._body(AddApproverSerializer)
        services.approval_add_reviewer(
            actor=request.user, request=obj, user=body["user"], comment=body["comment"]
        )
        return self._answer(obj)

    @extend_schema(request=CCBodySerializer, responses=ApprovalRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def cc(self, request, pk=None):
        """抄送: keep colleagues informed (they can read the request, not decide)."""
        obj = self.get_object()
        body = self._body(CCBodySerializer)
        services.approval_cc(actor=request.user, request=obj, users=list(body["users"]))
        return self._answer(obj)

    @extend_schema(request=SubmitSerializer, responses={201: ApprovalRequestDetailSerializer}, filters=False)
    @action(detail=False, methods=["post"], filterset_class=None)
    def submit(self, request):
        """Submit a document for approval (its flow comes from the policy file). The document must be
        one you may see and submit."""
        body = self._body(SubmitSerializer)
        model = body["document_type"]
        documents = model.objects.restrict(request.user, VIEW) if hasattr(model.objects, "restrict") else None
        document = documents.filter(pk=body["document_id"]).first() if documents is not None else None
        if document is None:
            raise exceptions.NotFound()
        approval = services.approval_submit(
            actor=request.user, document=document, process=body.get("process") or None
        )
        return self._answer(approval, status.HTTP_201_CREATED)

    # --- the inbox ---------------------------------------------------------------------------------
    def _page(self, rows, serializer_class):
        paginator = StableCursorPagination()
        paginator.ordering = "-pk"
        page = paginator.paginate_queryset(rows.order_by("-pk"), self.request, view=self)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(responses=InboxTaskSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], filterset_class=None)
    def todo(self, request):
        """待办: steps waiting for your decision (yours, or delegated to you today)."""
        return self._page(selectors.todo_tasks(request.user), InboxTaskSerializer)

    @extend_schema(responses=InboxTaskSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], filterset_class=None)
    def done(self, request):
        """已办: the decisions you took (for yourself or as a delegate)."""
        return self._page(selectors.done_tasks(request.user), InboxTaskSerializer)

    @extend_schema(responses=InboxCCSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], url_path="cc", filterset_class=None)
    def cc_inbox(self, request):
        """抄送我: the requests you were CC'd on."""
        return self._page(selectors.cc_entries(request.user), InboxCCSerializer)


# --- delegations ----------------------------------------------------------------------------------------
class DelegationSerializer(serializers.ModelSerializer):
    delegator = serializers.SerializerMethodField()
    delegate = PersonField()
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = Delegation
        fields = (
            "id",
            "delegator",
            "delegate",
            "start",
            "end",
            "process",
            "ended_at",
            "is_active",
            "created",
        )
        read_only_fields = ("ended_at", "created")

    @extend_schema_field(PersonSerializer)
    def get_delegator(self, obj):
        return _person(obj.delegator)

    def get_is_active(self, obj) -> bool:
        from django.utils import timezone

        return obj.is_active_on(timezone.localdate())


class DelegationViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Your delegations (auditors read all): while away, let a colleague decide your approvals.

    ``POST`` creates one of your own; ``POST …/{id}/end/`` ends it early (it stays on record).
    """

    model = Delegation
    serializer_class = DelegationSerializer
    permission_action = VIEW  # as in the console: whoever sees their delegations manages their own
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return Delegation.objects.select_related("delegator", "delegate").order_by("-start", "-pk")

    def perform_create(self, serializer):
        from django.db import transaction

        data = serializer.validated_data
        with transaction.atomic():
            delegation = services.approval_delegate(
                actor=self.request.user,
                delegate=data["delegate"],
                start=data["start"],
                end=data["end"],
                process=data.get("process") or None,
            )
            serializer.instance = delegation
            self.check_scope(delegation, VIEW)

    @extend_schema(request=None, responses=DelegationSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End one of your delegations now."""
        delegation = services.approval_delegation_end(actor=request.user, delegation=self.get_object())
        return Response(self.get_serializer(delegation).data)
