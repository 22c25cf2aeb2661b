"""The accounts REST API: users, staff, departments, positions, roles, permissions and /me/.

Same restrictions as the console (``restrict()`` through core.api), same services for writes.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from whitewall.accounts import filtersets, services
from whitewall.accounts.constraints import validate_constraints
from whitewall.accounts.models import Department, ObjectPermission, Position, Role, StaffProfile, User
from whitewall.core.api.exceptions import django_errors
from whitewall.core.api.mixins import ThrottleFirstMixin
from whitewall.core.api.pagination import SmallPagePagination
from whitewall.core.api.permissions import IsAuthenticatedUser
from whitewall.core.api.serializers import ModelCleanSerializer
from whitewall.core.api.viewsets import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from whitewall.core.permissions import CHANGE, VIEW


def _roles_field(**kwargs):
    return serializers.SlugRelatedField(
        many=True, slug_field="name", queryset=Group.objects.order_by("name"), **kwargs
    )


# --- users ----------------------------------------------------------------------------------------
class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name", source="groups")

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "full_name",
            "email",
            "is_staff",
            "is_active",
            "roles",
            "date_joined",
            "last_login",
        )
        read_only_fields = ("username", "is_staff", "date_joined", "last_login")

    def validate_email(self, value):
        value = value.strip().lower()
        others = User.objects.filter(email__iexact=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if value and others.exists():
            raise serializers.ValidationError(_("Another account already uses this email address."))
        return value


class UserViewSet(RestrictedModelViewSet):
    """Users (staff and wall users): read; change name, email and status for those allowed.

    Deactivating a user (``is_active: false``) goes through the same service as the console: it
    also ends the person's open sessions. Users are never created or deleted here.
    """

    model = User
    serializer_class = UserSerializer
    filterset_class = filtersets.UserFilterSet
    http_method_names = ["get", "put", "patch", "head", "options"]

    def base_queryset(self):
        return User.objects.prefetch_related("groups")

    def perform_write(self, serializer):
        user = serializer.instance
        was_active = user.is_active
        becomes_active = serializer.validated_data.get("is_active", was_active)
        if user.pk == self.request.user.pk and not becomes_active:
            raise DjangoValidationError({"is_active": _("You cannot deactivate your own account.")})
        data = {k: v for k, v in serializer.validated_data.items() if k != "is_active"}
        for name, value in data.items():
            setattr(user, name, value)
        if data:
            user.save(update_fields=list(data))
        if was_active and not becomes_active:
            services.staff_deactivate(actor=self.request.user, user=user)
        elif becomes_active and not was_active:
            services.staff_reactivate(actor=self.request.user, user=user)
        return user


# --- staff ----------------------------------------------------------------------------------------
class StaffProfileSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", max_length=150)
    full_name = serializers.CharField(source="user.full_name", max_length=100)
    email = serializers.EmailField(source="user.email")
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        style={"input_type": "password"},
        help_text=_("Initial password; leave out to let the person set one through the password-reset mail."),
    )
    is_active = serializers.BooleanField(source="user.is_active", read_only=True)
    user_id = serializers.IntegerField(read_only=True)
    roles = _roles_field(source="user.groups", allow_empty=False)

    class Meta:
        model = StaffProfile
        fields = (
            "id",
            "user_id",
            "username",
            "full_name",
            "email",
            "password",
            "is_active",
            "employee_no",
            "department",
            "position",
            "manager",
            "grade",
            "hire_date",
            "work_phone",
            "roles",
            "created",
            "updated",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        managers = User.objects.filter(is_staff=True, is_active=True)
        if self.instance is not None and isinstance(self.instance, StaffProfile):
            managers = managers.exclude(pk=self.instance.user_id)
            self.fields["username"].read_only = True
            self.fields.pop("password")
        self.fields["manager"].queryset = managers

    def _others(self, **lookup):
        others = User.objects.filter(**lookup)
        if isinstance(self.instance, StaffProfile):
            others = others.exclude(pk=self.instance.user_id)
        return others

    def validate_username(self, value):
        value = value.strip()
        if self._others(username__iexact=value).exists():
            raise serializers.ValidationError(_("This username is already taken."))
        return value

    def validate_email(self, value):
        value = value.strip().lower()
        if self._others(email__iexact=value).exists():
            raise serializers.ValidationError(_("Another account already uses this email address."))
        return value

    def validate(self, attrs):
        password = attrs.get("password")
        if password:
            user_data = attrs.get("user", {})
            try:
                validate_password(
                    password, User(username=user_data.get("username", ""), email=user_data.get("email", ""))
                )
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"password": list(exc.messages)})
        return attrs


PROFILE_FIELDS = ("employee_no", "department", "position", "manager", "grade", "hire_date", "work_phone")


class StaffProfileViewSet(RestrictedModelViewSet):
    """Staff members (account + profile + roles). Created and changed through the staff services;
    staff leave by deactivation (``POST …/deactivate/``), never by deletion."""

    model = StaffProfile
    serializer_class = StaffProfileSerializer
    filterset_class = filtersets.StaffProfileFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def base_queryset(self):
        return StaffProfile.objects.select_related("user").prefetch_related("user__groups")

    def perform_write(self, serializer):
        data = dict(serializer.validated_data)
        user_data = data.pop("user", {})
        roles = list(user_data.pop("groups", [])) if "groups" in user_data else None
        password = data.pop("password", None)
        actor = self.request.user
        profile = serializer.instance
        if profile is None:
            user = User(
                username=user_data["username"], full_name=user_data["full_name"], email=user_data["email"]
            )
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            profile = StaffProfile(**{name: data.get(name) or _blank(name) for name in PROFILE_FIELDS})
            return services.staff_create(actor=actor, user=user, profile=profile, roles=roles or [])
        user = profile.user
        changed = [name for name in ("full_name", "email") if name in user_data]
        for name in changed:
            setattr(user, name, user_data[name])
        if changed:
            user.save(update_fields=changed)
        for name, value in data.items():
            setattr(profile, name, value)
        profile.full_clean()
        profile.save()
        if roles is not None and set(user.groups.all()) != set(roles):
            services.staff_set_roles(actor=actor, user=user, roles=roles)
        return profile

    def _set_active(self, request, active: bool):
        profile = self.get_object()
        if not User.objects.restrict(request.user, CHANGE).filter(pk=profile.user_id).exists():
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied(_("You do not have permission to do this."))
        with transaction.atomic():
            if active:
                services.staff_reactivate(actor=request.user, user=profile.user)
            else:
                services.staff_deactivate(actor=request.user, user=profile.user)
        profile.user.refresh_from_db()
        return Response(self.get_serializer(profile).data)

    @extend_schema(request=None, responses=StaffProfileSerializer)
    @action(detail=True, methods=["post"], permission_action=VIEW)
    def deactivate(self, request, pk=None):
        """End the staff member's access: they can no longer log in; their records stay."""
        return self._set_active(request, False)

    @extend_schema(request=None, responses=StaffProfileSerializer)
    @action(detail=True, methods=["post"], permission_action=VIEW)
    def reactivate(self, request, pk=None):
        """Let a deactivated staff member log in again."""
        return self._set_active(request, True)


def _blank(name: str):
    return "" if name in ("grade", "work_phone") else None


# --- departments and positions -----------------------------------------------------------------
class DepartmentSerializer(ModelCleanSerializer):
    class Meta:
        model = Department
        fields = (
            "id",
            "name",
            "code",
            "parent",
            "head",
            "description",
            "is_active",
            "sort_order",
            "created",
            "updated",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = User.objects.filter(is_staff=True, is_active=True)


class DepartmentViewSet(RestrictedModelViewSet):
    """Departments of the organisation (clause 1.2). A department still in use is not deleted (409)."""

    model = Department
    serializer_class = DepartmentSerializer
    filterset_class = filtersets.DepartmentFilterSet
    pagination_class = SmallPagePagination

    def base_queryset(self):
        return Department.objects.order_by("sort_order", "name", "pk")


class PositionSerializer(ModelCleanSerializer):
    class Meta:
        model = Position
        fields = ("id", "name", "code", "department", "description", "created", "updated")


class PositionViewSet(RestrictedModelViewSet):
    """Positions (岗位) and their duties."""

    model = Position
    serializer_class = PositionSerializer
    filterset_class = filtersets.PositionFilterSet
    pagination_class = SmallPagePagination

    def base_queryset(self):
        return Position.objects.order_by("name", "pk")


# --- roles and permissions -------------------------------------------------------------------------
class RoleSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="name", read_only=True)
    label = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()

    class Meta:
        model = Role
        fields = ("id", "code", "label", "description")

    def get_label(self, role) -> str:
        return str(role.label)

    def get_description(self, role) -> str:
        return str(role.description)


class RoleViewSet(RestrictedReadOnlyViewSet):
    """Roles (read only here; their grants are object permissions)."""

    model = Role
    serializer_class = RoleSerializer
    filterset_class = filtersets.RoleFilterSet
    pagination_class = SmallPagePagination

    def base_queryset(self):
        return Role.objects.order_by("name")

    @extend_schema(responses=UserSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=SmallPagePagination)
    def members(self, request, pk=None):
        """The role's members that you may see (users you have no permission to view are left out)."""
        role = self.get_object()
        users = (
            User.objects.restrict(request.user, VIEW)
            .filter(groups=role)
            .prefetch_related("groups")
            .order_by("username", "pk")
        )
        page = self.paginate_queryset(users)
        return self.get_paginated_response(UserSerializer(page, many=True).data)


@extend_schema_field(OpenApiTypes.STR)
class ContentTypeField(serializers.RelatedField):
    """A model named ``app_label.model``, e.g. ``accounts.department``."""

    default_error_messages = {"unknown": _("%(value)s is not a model (write app_label.model).")}

    def get_queryset(self):
        return ContentType.objects.all()

    def to_representation(self, value):
        return f"{value.app_label}.{value.model}"

    def to_internal_value(self, data):
        if not isinstance(data, str) or data.count(".") != 1:
            self.fail("unknown", value=str(data)[:100])
        app_label, model = data.lower().split(".")
        try:
            return ContentType.objects.get_by_natural_key(app_label, model)
        except ContentType.DoesNotExist:
            self.fail("unknown", value=data[:100])


class ObjectPermissionSerializer(serializers.ModelSerializer):
    object_types = ContentTypeField(many=True, allow_empty=False)
    actions = serializers.ListField(
        child=serializers.RegexField(r"^[A-Za-z_][A-Za-z0-9_]*\Z", max_length=50), allow_empty=False
    )
    constraints = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text=_('e.g. {"department": "$department"}; $user and $department are replaced per user.'),
    )
    roles = _roles_field(source="groups", required=False)
    users = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=User.objects.filter(is_staff=True)
    )

    class Meta:
        model = ObjectPermission
        fields = (
            "id",
            "name",
            "description",
            "enabled",
            "object_types",
            "actions",
            "constraints",
            "roles",
            "users",
            "created",
            "updated",
        )

    def validate(self, attrs):
        constraints = attrs.get("constraints", getattr(self.instance, "constraints", None))
        types = attrs.get("object_types")
        if types is None and self.instance is not None:
            types = list(self.instance.object_types.all())
        models = [ct.model_class() for ct in types or [] if ct.model_class() is not None]
        try:
            validate_constraints(constraints, models)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(django_errors(exc))
        except Exception:  # a lookup the ORM rejects in a way validate_constraints does not expect
            raise serializers.ValidationError({"constraints": [_("These constraints cannot be applied.")]})
        return attrs


class ObjectPermissionViewSet(RestrictedModelViewSet):
    """Object permissions: which roles and users may do which actions on which models (system
    administrators; security officers and auditors read)."""

    model = ObjectPermission
    serializer_class = ObjectPermissionSerializer
    filterset_class = filtersets.ObjectPermissionFilterSet
    pagination_class = SmallPagePagination

    def base_queryset(self):
        return ObjectPermission.objects.prefetch_related("object_types", "groups", "users").order_by(
            "name", "pk"
        )


# --- me ---------------------------------------------------------------------------------------------
class MeStaffSerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffProfile
        fields = ("id", "employee_no", "department", "position", "manager", "grade")


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name", source="groups")
    staff_profile = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "username", "full_name", "email", "is_staff", "roles", "staff_profile", "permissions")

    @extend_schema_field(MeStaffSerializer(allow_null=True))
    def get_staff_profile(self, user):
        profile = StaffProfile.objects.filter(user=user).first()
        return MeStaffSerializer(profile).data if profile else None

    def get_permissions(self, user) -> list[str]:
        from django.contrib.auth import get_backends

        names: set[str] = set()
        for backend in get_backends():
            if hasattr(backend, "permission_constraints"):
                names |= backend.get_all_permissions(user)
        return sorted(names)


class MeViewSet(ThrottleFirstMixin, viewsets.ViewSet):
    """The caller: account, roles, staff profile and the permissions they hold (``app.action_model``)."""

    permission_classes = [IsAuthenticatedUser]
    serializer_class = MeSerializer

    @extend_schema(responses=MeSerializer)
    def list(self, request):
        return Response(MeSerializer(request.user).data)


# --- schema ------------------------------------------------------------------------------------------
class APITokenScheme(OpenApiAuthenticationExtension):
    """Describes ``Authorization: Token <key>`` in the OpenAPI schema (and Swagger UI's Authorize)."""

    target_class = "whitewall.accounts.authentication.APITokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _('Personal API token: "Token <key>" (make one under My API tokens).'),
        }
