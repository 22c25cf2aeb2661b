from __future__ import annotations

import json

from django import forms
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from whitewall.accounts.constraints import validate_constraints
from whitewall.accounts.models import Department, ObjectPermission, Position, Role, StaffProfile, User
from whitewall.core.encryption import blind_index_q
from whitewall.core.forms import StyledForm, StyledModelForm, style_widgets
from whitewall.core.validators import (
    normalise_bank_account,
    normalise_email,
    normalise_mobile,
    normalise_national_id,
    validate_bank_account,
    validate_email,
    validate_mobile,
    validate_national_id,
)


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(Role(pk=obj.pk, name=obj.name).label)


class DepartmentForm(StyledModelForm):
    class Meta:
        model = Department
        fields = ("name", "code", "parent", "head", "description", "sort_order", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = User.objects.filter(is_staff=True, is_active=True)
        if self.instance.pk:
            self.fields["parent"].queryset = Department.objects.exclude(pk=self.instance.pk)


class PositionForm(StyledModelForm):
    class Meta:
        model = Position
        fields = ("name", "code", "department", "description")


class StaffForm(StyledForm):
    """One form for a staff member: the account, the profile and the roles."""

    username = forms.CharField(label=_("username"), max_length=150)
    full_name = forms.CharField(label=_("full name"), max_length=100)
    email = forms.EmailField(label=_("work email"))
    password = forms.CharField(
        label=_("initial password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Leave empty to let the person set one through the password-reset mail."),
    )
    employee_no = forms.CharField(label=_("employee number"), max_length=30)
    department = forms.ModelChoiceField(
        label=_("department"), queryset=Department.objects.filter(is_active=True)
    )
    position = forms.ModelChoiceField(label=_("position"), queryset=Position.objects.all(), required=False)
    manager = forms.ModelChoiceField(label=_("manager"), queryset=User.objects.none(), required=False)
    grade = forms.CharField(label=_("grade"), max_length=20, required=False)
    hire_date = forms.DateField(
        label=_("hire date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    roles = RoleChoiceField(
        label=_("roles"),
        queryset=Group.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=True,
    )
    # Personal data: write-only. The form never shows stored clear values (that would be a
    # reveal without a record); an empty field keeps what is stored.
    national_id = forms.CharField(label=_("national ID number"), max_length=30, required=False)
    mobile = forms.CharField(label=_("mobile number"), max_length=20, required=False)
    personal_email = forms.CharField(label=_("personal email"), max_length=254, required=False)
    bank_account = forms.CharField(
        label=_("bank account"), max_length=30, required=False, help_text=_("12 to 19 digits.")
    )
    remove_personal_data = forms.MultipleChoiceField(
        label=_("remove stored values"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, instance: StaffProfile | None = None, **kwargs):
        self.instance = instance
        initial = kwargs.pop("initial", {}) or {}
        if instance is not None and instance.pk:
            user = instance.user
            initial.update(
                username=user.username,
                full_name=user.full_name,
                email=user.email,
                employee_no=instance.employee_no,
                department=instance.department_id,
                position=instance.position_id,
                manager=instance.manager_id,
                grade=instance.grade,
                hire_date=instance.hire_date,
                roles=list(user.groups.values_list("pk", flat=True)),
            )
        super().__init__(*args, initial=initial, **kwargs)
        managers = User.objects.filter(is_staff=True, is_active=True)
        if instance is not None and instance.pk:
            managers = managers.exclude(pk=instance.user_id)
            self.fields["username"].disabled = True
            del self.fields["password"]
        self.fields["manager"].queryset = managers
        self._setup_personal_data(instance)
        style_widgets(self)

    def _setup_personal_data(self, instance: StaffProfile | None) -> None:
        stored = []
        for name in StaffProfile.PERSONAL_DATA_FIELDS:
            field = self.fields[name]
            field.widget.attrs["autocomplete"] = "off"
            value = getattr(instance, name, "") if instance is not None and instance.pk else ""
            if value:
                model_field = StaffProfile._meta.get_field(name)
                field.widget.attrs["placeholder"] = model_field.mask_value(value)
                field.help_text = _("Stored: %(masked)s. Leave empty to keep it.") % {
                    "masked": model_field.mask_value(value)
                }
                stored.append((name, StaffProfile._meta.get_field(name).verbose_name))
        if stored:
            self.fields["remove_personal_data"].choices = stored
        else:
            del self.fields["remove_personal_data"]

    def _check_unused(self, source: str, value: str, message) -> None:
        others = StaffProfile.objects.filter(blind_index_q(StaffProfile, source, value))
        if self.instance is not None and self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(message)

    def clean_national_id(self):
        value = normalise_national_id(self.cleaned_data.get("national_id", ""))
        if value:
            validate_national_id(value)
            self._check_unused(
                "national_id", value, _("Another staff member already has this national ID number.")
            )
        return value

    def clean_mobile(self):
        value = normalise_mobile(self.cleaned_data.get("mobile", ""))
        if value:
            validate_mobile(value)
            self._check_unused("mobile", value, _("Another staff member already has this mobile number."))
        return value

    def clean_personal_email(self):
        value = normalise_email(self.cleaned_data.get("personal_email", ""))
        if value:
            validate_email(value)
        return value

    def clean_bank_account(self):
        value = normalise_bank_account(self.cleaned_data.get("bank_account", ""))
        if value:
            validate_bank_account(value)
        return value

    def personal_data_changes(self) -> dict[str, str]:
        """The personal-data fields to write: new values, and "" for those to remove."""
        changes = dict.fromkeys(self.cleaned_data.get("remove_personal_data") or [], "")
        for name in StaffProfile.PERSONAL_DATA_FIELDS:
            if self.cleaned_data.get(name):
                changes[name] = self.cleaned_data[name]
        return changes

    def clean(self):
        cleaned = super().clean()
        for name in cleaned.get("remove_personal_data") or []:
            if cleaned.get(name):
                self.add_error(name, _("Either enter a new value or remove the stored one, not both."))
        return cleaned

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        others = User.objects.filter(username__iexact=username)
        if self.instance is not None and self.instance.pk:
            others = others.exclude(pk=self.instance.user_id)
        if others.exists():
            raise ValidationError(_("This username is already taken."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        others = User.objects.filter(email__iexact=email)
        if self.instance is not None and self.instance.pk:
            others = others.exclude(pk=self.instance.user_id)
        if others.exists():
            raise ValidationError(_("Another account already uses this email address."))
        return email

    def clean_employee_no(self):
        number = self.cleaned_data["employee_no"].strip()
        others = StaffProfile.objects.filter(employee_no=number)
        if self.instance is not None and self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("This employee number is already in use."))
        return number

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            validate_password(
                password, User(username=self.data.get("username", ""), email=self.data.get("email", ""))
            )
        return password


class ObjectPermissionForm(StyledModelForm):
    ACTION_CHOICES = [
        ("view", _("view")),
        ("add", _("add")),
        ("change", _("change")),
        ("delete", _("delete")),
    ]
    actions = forms.MultipleChoiceField(
        label=_("actions"), choices=ACTION_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    extra_actions = forms.CharField(
        label=_("other actions"), required=False, help_text=_("Comma-separated, e.g. release, reveal")
    )
    constraints = forms.CharField(
        label=_("constraints"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
        help_text=_('JSON, e.g. {"department": "$department"}; $user and $department are replaced per user.'),
    )

    class Meta:
        model = ObjectPermission
        fields = (
            "name",
            "description",
            "enabled",
            "object_types",
            "actions",
            "constraints",
            "groups",
            "users",
        )
        widgets = {"object_types": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_types"].queryset = ContentType.objects.exclude(
            app_label__in=("admin", "contenttypes", "sessions", "huey", "djhuey")
        ).order_by("app_label", "model")
        self.fields["object_types"].label_from_instance = lambda ct: f"{ct.app_label} · {ct.name}"
        self.fields["groups"].label_from_instance = lambda g: str(Role(pk=g.pk, name=g.name).label)
        self.fields["users"].queryset = User.objects.filter(is_staff=True)
        if self.instance.pk:
            standard = [a for a in self.instance.actions if a in {"view", "add", "change", "delete"}]
            extra = [a for a in self.instance.actions if a not in {"view", "add", "change", "delete"}]
            self.initial["actions"] = standard
            self.initial["extra_actions"] = ", ".join(extra)
            if self.instance.constraints:
                self.initial["constraints"] = json.dumps(self.instance.constraints, ensure_ascii=False)

    def clean_extra_actions(self):
        raw = self.cleaned_data.get("extra_actions") or ""
        actions = [part.strip() for part in raw.split(",") if part.strip()]
        for action in actions:
            if not action.isidentifier():
                raise ValidationError(_("%(action)s is not a valid action name.") % {"action": action})
        return actions

    def clean_constraints(self):
        raw = (self.cleaned_data.get("constraints") or "").strip()
        if not raw:
            return None
        if "\x00" in raw or "\\u0000" in raw:
            raise ValidationError(_("Text may not contain NUL (0x00) characters."))
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(_("Not valid JSON: %(error)s") % {"error": exc.msg})

    def clean(self):
        cleaned = super().clean()
        actions = list(cleaned.get("actions") or []) + list(cleaned.get("extra_actions") or [])
        if not actions:
            self.add_error("actions", _("Choose at least one action."))
        cleaned["actions"] = actions
        models = [
            ct.model_class() for ct in cleaned.get("object_types") or [] if ct.model_class() is not None
        ]
        try:
            validate_constraints(cleaned.get("constraints"), models)
        except ValidationError as exc:
            self.add_error("constraints", exc.message_dict.get("constraints", exc.messages))
        return cleaned


class RoleForm(StyledModelForm):
    class Meta:
        model = Role
        fields = ("name",)
        labels = {"name": _("code")}
        help_texts = {"name": _("A short code such as content_lead; seeded roles show a translated label.")}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Group.objects.filter(name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("A role with this code already exists."))
        return name
