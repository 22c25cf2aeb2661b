from __future__ import annotations

from axes.models import AccessAttempt
from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views import View

from whitewall.accounts import filtersets, forms, services
from whitewall.accounts.lockout import release_lockouts
from whitewall.accounts.models import (
    APIToken,
    Department,
    ObjectPermission,
    Position,
    Role,
    StaffProfile,
    User,
)
from whitewall.accounts.tokens import apitoken_create, apitoken_revoke
from whitewall.config.policy import get_policy
from whitewall.core.forms import StyledForm, StyledModelForm
from whitewall.core.permissions import CHANGE, DELETE, has_model_permission
from whitewall.core.tables import Column
from whitewall.core.urls_helpers import object_url
from whitewall.core.views import (
    BulkAction,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectRevealView,
    masked_fields,
)
from whitewall.core.views.generic import safe_return_url


def _role_badges(user: User):
    roles = [Role(pk=g.pk, name=g.name) for g in user.groups.all()]
    if not roles:
        return format_html('<span class="badge text-bg-warning">{}</span>', _("no role"))
    return format_html(
        "".join('<span class="badge text-bg-light border me-1">{}</span>' for _r in roles),
        *[r.label for r in roles],
    )


def _active_badge(user: User):
    if user.is_active:
        return format_html('<span class="badge text-bg-success">{}</span>', _("active"))
    return format_html('<span class="badge text-bg-secondary">{}</span>', _("inactive"))


# --- users --------------------------------------------------------------------------------------
class UserListView(ObjectListView):
    model = User
    filterset_class = filtersets.UserFilterSet
    allow_bulk_delete = False
    columns = [
        Column("username", order_by="username", linkify=True),
        Column("full_name", order_by="full_name"),
        Column("email", order_by="email"),
        Column("is_staff", order_by="is_staff"),
        Column("roles", gettext_lazy("roles"), render=_role_badges),
        Column("is_active", gettext_lazy("status"), render=_active_badge, order_by="is_active"),
        Column("last_login", order_by="last_login"),
    ]

    def base_queryset(self):
        return User.objects.prefetch_related("groups")


class UserDetailView(ObjectDetailView):
    model = User
    template_name = "accounts/user_detail.html"
    detail_fields = ["username", "full_name", "email", "is_staff", "is_active", "date_joined", "last_login"]

    def extra_context(self, obj):
        from allauth.mfa.models import Authenticator

        return {
            "roles": [Role(pk=g.pk, name=g.name) for g in obj.groups.all()],
            "mfa_types": list(Authenticator.objects.filter(user=obj).values_list("type", flat=True)),
            "profile": getattr(obj, "staff_profile", None),
        }


class UserForm(StyledModelForm):
    class Meta:
        model = User
        fields = ("full_name", "email", "is_active")


class UserEditView(ObjectEditView):
    model = User
    form_class = UserForm

    def dispatch(self, request, *args, **kwargs):
        if "pk" not in kwargs:
            raise PermissionDenied(_("Staff are added as staff members; wall users sign up on the wall."))
        return super().dispatch(request, *args, **kwargs)

    def save(self, form):
        user = form.instance
        if self.request.user.pk == user.pk and not form.cleaned_data["is_active"]:
            raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
        new_email = form.cleaned_data["email"]
        saved = form.save()
        if new_email:
            services.user_set_email(user=saved, email=new_email)
        return saved


# --- staff ----------------------------------------------------------------------------------------
def _deactivate(view, queryset) -> int:
    done = 0
    for profile in queryset.select_related("user"):
        if profile.user.is_active:
            services.staff_deactivate(actor=view.request.user, user=profile.user)
            done += 1
    return done


class StaffListView(ObjectListView):
    model = StaffProfile
    filterset_class = filtersets.StaffProfileFilterSet
    allow_bulk_delete = False
    default_ordering = ("employee_no",)
    bulk_actions = [
        BulkAction(
            "deactivate",
            gettext_lazy("Deactivate"),
            CHANGE,
            _deactivate,
            confirm=gettext_lazy("Deactivate the selected staff? They will no longer be able to log in."),
            style="outline-warning",
        )
    ]
    columns = [
        Column("employee_no", order_by="employee_no", linkify=True),
        Column(
            "name",
            pgettext_lazy("person", "name"),
            accessor="user__get_full_name",
            order_by="user__full_name",
        ),
        Column("department", order_by="department__name"),
        Column("position", order_by="position__name"),
        Column("grade", order_by="grade"),
        Column("manager", order_by="manager__full_name"),
        Column("roles", gettext_lazy("roles"), render=lambda p: _role_badges(p.user)),
        Column(
            "status",
            gettext_lazy("status"),
            render=lambda p: _active_badge(p.user),
            order_by="user__is_active",
        ),
        Column("hire_date", order_by="hire_date"),
        # Encrypted: masked on the page; exports show it in clear only to those who may reveal it.
        Column("mobile"),
    ]

    def base_queryset(self):
        return StaffProfile.objects.select_related(
            "user", "department", "position", "manager"
        ).prefetch_related("user__groups")

    def get_bulk_actions(self):
        actions = super().get_bulk_actions()
        return [
            a
            for a in actions
            if a.key != "deactivate" or has_model_permission(self.request.user, User, CHANGE)
        ]


class StaffDetailView(ObjectDetailView):
    model = StaffProfile
    template_name = "accounts/staff_detail.html"
    detail_fields = ["employee_no", "department", "position", "grade", "manager", "hire_date", "work_phone"]

    def base_queryset(self):
        return StaffProfile.objects.select_related("user", "department", "position", "manager")

    def extra_context(self, obj):
        return {
            "roles": [Role(pk=g.pk, name=g.name) for g in obj.user.groups.all()],
            "reports": StaffProfile.objects.restrict(self.request.user, "view")
            .filter(manager=obj.user)
            .select_related("user", "position"),
            "can_change_user": has_model_permission(self.request.user, User, CHANGE),
            "user_account": obj.user,
            "personal_data": masked_fields(obj, self.request.user, list(StaffProfile.PERSONAL_DATA_FIELDS)),
            "reveal_url": object_url(obj, "reveal"),
        }


class StaffRevealView(ObjectRevealView):
    """POST field=national_id|mobile|personal_email|bank_account: one clear value, recorded."""

    model = StaffProfile
    fields = StaffProfile.PERSONAL_DATA_FIELDS


class StaffEditView(ObjectEditView):
    model = StaffProfile
    form_class = forms.StaffForm
    template_name = "accounts/staff_edit.html"

    def get_form(self, obj, data=None, files=None):
        return forms.StaffForm(data=data, instance=obj)

    def save(self, form):
        data = form.cleaned_data
        profile = form.instance if form.instance is not None and form.instance.pk else StaffProfile()
        if profile.pk:
            user = profile.user
            user.full_name = data["full_name"]
            user.save(update_fields=["full_name"])
            services.user_set_email(user=user, email=data["email"])
            for name in ("employee_no", "department", "position", "manager", "grade", "hire_date"):
                setattr(profile, name, data[name])
            for name, value in form.personal_data_changes().items():
                setattr(profile, name, value)
            profile.full_clean()
            profile.save()
            if set(user.groups.all()) != set(data["roles"]):
                services.staff_set_roles(actor=self.request.user, user=user, roles=list(data["roles"]))
            return profile
        user = User(username=data["username"], full_name=data["full_name"], email=data["email"])
        if data.get("password"):
            user.set_password(data["password"])
        else:
            user.set_unusable_password()
        profile = StaffProfile(
            employee_no=data["employee_no"],
            department=data["department"],
            position=data["position"],
            manager=data["manager"],
            grade=data["grade"],
            hire_date=data["hire_date"],
            **form.personal_data_changes(),
        )
        return services.staff_create(
            actor=self.request.user, user=user, profile=profile, roles=list(data["roles"])
        )


class StaffStatusView(View):
    """POST: deactivate or reactivate the staff member's account."""

    activate = False

    def post(self, request, pk):
        if not has_model_permission(request.user, User, CHANGE):
            raise PermissionDenied
        profile = get_object_or_404(
            StaffProfile.objects.restrict(request.user, "view").select_related("user"), pk=pk
        )
        try:
            if self.activate:
                services.staff_reactivate(actor=request.user, user=profile.user)
                messages.success(request, _("%(user)s can log in again.") % {"user": profile.user})
            else:
                services.staff_deactivate(actor=request.user, user=profile.user)
                messages.success(request, _("%(user)s has been deactivated.") % {"user": profile.user})
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        return HttpResponseRedirect(object_url(profile))


# --- departments and positions ---------------------------------------------------------------
class DepartmentListView(ObjectListView):
    model = Department
    filterset_class = filtersets.DepartmentFilterSet
    default_ordering = ("sort_order", "name")
    columns = [
        Column("name", order_by="name", linkify=True),
        Column("code", order_by="code"),
        Column("path", gettext_lazy("place in the organisation")),
        Column("head", order_by="head__full_name"),
        Column("staff_count", gettext_lazy("staff"), order_by="staff_count"),
        Column("is_active", order_by="is_active"),
    ]

    def base_queryset(self):
        return Department.objects.select_related("parent__parent__parent", "head").annotate(
            staff_count=Count("staff")
        )


class DepartmentDetailView(ObjectDetailView):
    model = Department
    template_name = "accounts/department_detail.html"
    detail_fields = [
        "name",
        "code",
        Column("path", gettext_lazy("place in the organisation")),
        "parent",
        "head",
        "description",
        "is_active",
    ]

    def extra_context(self, obj):
        return {
            "children": obj.children.all(),
            "staff": StaffProfile.objects.restrict(self.request.user, "view")
            .filter(department=obj)
            .select_related("user", "position"),
        }


class DepartmentEditView(ObjectEditView):
    model = Department
    form_class = forms.DepartmentForm


class DepartmentDeleteView(ObjectDeleteView):
    model = Department


class PositionListView(ObjectListView):
    model = Position
    filterset_class = filtersets.PositionFilterSet
    columns = [
        Column("name", order_by="name", linkify=True),
        Column("code", order_by="code"),
        Column("department", order_by="department__name"),
        Column("staff_count", gettext_lazy("staff"), order_by="staff_count"),
    ]

    def base_queryset(self):
        return Position.objects.select_related("department").annotate(staff_count=Count("staff"))


class PositionDetailView(ObjectDetailView):
    model = Position
    detail_fields = ["name", "code", "department", "description"]


class PositionEditView(ObjectEditView):
    model = Position
    form_class = forms.PositionForm


class PositionDeleteView(ObjectDeleteView):
    model = Position


# --- roles and permissions -----------------------------------------------------------------------
class RoleListView(ObjectListView):
    model = Role
    filterset_class = filtersets.RoleFilterSet
    allow_bulk_delete = False
    columns = [
        Column("label", gettext_lazy("role"), linkify=lambda r: object_url(r)),
        Column("name", gettext_lazy("code"), order_by="name"),
        Column("description", gettext_lazy("description")),
        Column("member_count", gettext_lazy("members"), order_by="member_count"),
        Column("permission_count", gettext_lazy("permissions"), order_by="permission_count"),
    ]

    def base_queryset(self):
        return Role.objects.annotate(
            member_count=Count("user", distinct=True),
            permission_count=Count("object_permissions", distinct=True),
        )


class RoleDetailView(ObjectDetailView):
    model = Role
    template_name = "accounts/role_detail.html"
    detail_fields = []

    def extra_context(self, obj):
        return {
            "members": User.objects.restrict(self.request.user, "view")
            .filter(groups=obj)
            .order_by("username"),
            "permissions": ObjectPermission.objects.filter(groups=obj).prefetch_related("object_types"),
        }


class RoleEditView(ObjectEditView):
    model = Role
    form_class = forms.RoleForm


class RoleDeleteView(ObjectDeleteView):
    model = Role

    def delete(self, obj):
        if obj.user_set.exists():
            raise ValidationError(_("Remove every member from this role before deleting it."))
        obj.delete()


class ObjectPermissionListView(ObjectListView):
    model = ObjectPermission
    filterset_class = filtersets.ObjectPermissionFilterSet
    columns = [
        Column("name", order_by="name", linkify=True),
        Column("enabled", order_by="enabled"),
        Column("object_types"),
        Column("actions", render=lambda p: ", ".join(p.actions)),
        Column(
            "constraints",
            render=lambda p: format_html("<code>{}</code>", p.constraints) if p.constraints else "—",
        ),
        Column(
            "groups",
            gettext_lazy("roles"),
            render=lambda p: ", ".join(str(Role(pk=g.pk, name=g.name)) for g in p.groups.all()),
        ),
    ]

    def base_queryset(self):
        return ObjectPermission.objects.prefetch_related("object_types", "groups")


class ObjectPermissionDetailView(ObjectDetailView):
    model = ObjectPermission
    template_name = "accounts/objectpermission_detail.html"

    def base_queryset(self):
        return ObjectPermission.objects.prefetch_related("object_types", "groups", "users")


class ObjectPermissionEditView(ObjectEditView):
    model = ObjectPermission
    form_class = forms.ObjectPermissionForm


class ObjectPermissionDeleteView(ObjectDeleteView):
    model = ObjectPermission


# --- lockouts (django-axes) ---------------------------------------------------------------------
def _release(view, queryset) -> int:
    return release_lockouts(actor=view.request.user, request=view.request, attempts=list(queryset))


class LockoutListView(ObjectListView):
    model = AccessAttempt
    allow_bulk_delete = False
    default_ordering = ("-attempt_time",)
    template_name = "accounts/lockout_list.html"
    bulk_actions = [
        BulkAction(
            "release",
            gettext_lazy("Release"),
            DELETE,
            _release,
            confirm=gettext_lazy("Release the selected accounts?"),
        )
    ]
    columns = [
        Column("username", gettext_lazy("username"), order_by="username"),
        Column("ip_address", gettext_lazy("IP address"), order_by="ip_address"),
        Column("failures_since_start", gettext_lazy("failures"), order_by="failures_since_start"),
        Column("attempt_time", gettext_lazy("last attempt"), order_by="attempt_time"),
        Column("locked", gettext_lazy("locked"), render=lambda a: _locked_badge(a)),
        Column("user_agent", gettext_lazy("browser")),
    ]

    def base_queryset(self):
        return AccessAttempt.objects.all()

    def extra_context(self):
        from django.conf import settings

        return {"failure_limit": settings.AXES_FAILURE_LIMIT}

    def model_context(self):
        # axes calls its model "access attempt"; in the console these rows are lockouts.
        return {**super().model_context(), "verbose_name": _("lockout"), "verbose_name_plural": _("Lockouts")}

    def restricted(self, action=None):
        # axes' model has no restricting manager; the permission itself is checked in dispatch.
        return self.base_queryset()


def _locked_badge(attempt) -> str:
    from whitewall.accounts.lockout import is_locked

    if is_locked(attempt):
        return format_html('<span class="badge text-bg-danger">{}</span>', _("locked"))
    return format_html('<span class="badge text-bg-light border">{}</span>', _("counting"))


class LockoutReleaseView(View):
    def post(self, request, pk):
        if not has_model_permission(request.user, AccessAttempt, DELETE):
            raise PermissionDenied
        attempt = get_object_or_404(AccessAttempt, pk=pk)
        with transaction.atomic():
            release_lockouts(actor=request.user, request=request, attempts=[attempt])
        messages.success(request, _("Released %(username)s.") % {"username": attempt.username})
        return HttpResponseRedirect(request.POST.get("return_url") or "/console/accounts/lockouts/")


# --- personal API tokens ------------------------------------------------------------------------
class APITokenForm(StyledForm):
    name = django_forms.CharField(label=gettext_lazy("name"), max_length=100)
    scope = django_forms.ChoiceField(
        label=gettext_lazy("scope"), choices=APIToken.SCOPES, initial=APIToken.SCOPE_READ
    )
    days = django_forms.IntegerField(label=gettext_lazy("valid for (days)"), min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        max_days = get_policy().api.token_max_days
        self.fields["days"].max_value = max_days
        self.fields["days"].validators.append(MaxValueValidator(max_days))
        self.fields["days"].widget.attrs["max"] = max_days
        self.fields["days"].initial = min(90, max_days)
        self.fields["days"].help_text = _("At most %(max)d days (policy).") % {"max": max_days}


class MyAPITokensView(View):
    """The user's own API tokens: make one (its key is shown once), see them, revoke them."""

    template_name = "accounts/apitoken_own.html"

    def render_page(self, form, new_key=None, status=200):
        tokens = APIToken.objects.filter(user=self.request.user).order_by("-created")
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "tokens": tokens,
                "new_key": new_key,
                "all_tokens_url": reverse("accounts:apitoken_list")
                if has_model_permission(self.request.user, APIToken, "view")
                else None,
            },
            status=status,
        )

    def get(self, request):
        return self.render_page(APITokenForm())

    def post(self, request):
        form = APITokenForm(request.POST)
        if not form.is_valid():
            return self.render_page(form, status=422)
        try:
            token, key = apitoken_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.render_page(form, status=422)
        # Rendered, not redirected: the key is never stored anywhere, not even in the session.
        response = self.render_page(APITokenForm(), new_key=key, status=201)
        response["Cache-Control"] = "no-store"
        return response


class APITokenRevokeView(View):
    def post(self, request, pk):
        mine = Q(user=request.user)
        allowed = APIToken.objects.filter(mine) | APIToken.objects.restrict(request.user, CHANGE)
        token = get_object_or_404(allowed.distinct(), pk=pk)
        try:
            apitoken_revoke(actor=request.user, token=token)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Revoked the API token %(name)s.") % {"name": token})
        return HttpResponseRedirect(safe_return_url(request, reverse("accounts:apitoken_own")))


def _revoke_tokens(view, queryset) -> int:
    done = 0
    for token in queryset.filter(revoked__isnull=True):
        apitoken_revoke(actor=view.request.user, token=token)
        done += 1
    return done


class APITokenListView(ObjectListView):
    """Everyone's API tokens, for those who may view them (system administrators, security)."""

    model = APIToken
    allow_bulk_delete = False
    default_ordering = ("-created",)
    bulk_actions = [
        BulkAction(
            "revoke",
            gettext_lazy("Revoke"),
            CHANGE,
            _revoke_tokens,
            confirm=gettext_lazy("Revoke the selected API tokens? Programs using them stop working."),
            style="outline-danger",
        )
    ]
    columns = [
        Column("user", order_by="user__username"),
        Column("name", order_by="name"),
        Column("prefix", gettext_lazy("key prefix"), accessor="display_prefix"),
        Column("scope", render=lambda t: t.get_scope_display()),
        Column("created", order_by="created"),
        Column("expires", order_by="expires"),
        Column("last_used", order_by="last_used"),
        Column("status", gettext_lazy("status"), render=lambda t: _token_status(t)),
    ]

    def base_queryset(self):
        return APIToken.objects.select_related("user")


def _token_status(token):
    labels = {
        "active": ("success", pgettext("in force", "active")),
        "expired": ("secondary", _("expired")),
        "revoked": ("danger", _("revoked")),
    }
    style, label = labels[token.status]
    return format_html('<span class="badge text-bg-{}">{}</span>', style, label)
