"""Users, the organisation (departments, positions, staff profiles), roles and object permissions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from whitewall.core.encryption import BlindIndexField, EncryptedCharField
from whitewall.core.models import BaseModel
from whitewall.core.querysets import RestrictedQuerySet
from whitewall.core.validators import (
    validate_bank_account,
    validate_email,
    validate_mobile,
    validate_national_id,
)


class WhitewallUserManager(UserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in: staff (``is_staff``, with a staff profile) or a wall user."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)

    objects = WhitewallUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("username",)

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    def delete(self, *args, **kwargs):
        if self.is_staff:
            raise ValidationError(_("Staff members are deactivated, never deleted."))
        return super().delete(*args, **kwargs)

    @property
    def department_id(self) -> int | None:
        profile = getattr(self, "staff_profile", None)
        return profile.department_id if profile else None

    def role_codes(self) -> set[str]:
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.groups.values_list("name", flat=True))
        return self._role_codes


class Department(BaseModel):
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    head = models.ForeignKey(
        User,
        verbose_name=_("department head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(pgettext_lazy("switched on", "active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ("sort_order", "name")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="department_unique_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Department]:
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return list(reversed(chain))

    @property
    def path(self) -> str:
        return " / ".join([d.name for d in self.ancestors()] + [self.name])

    def clean(self):
        node = self.parent
        while node is not None:
            if self.pk and node.pk == self.pk:
                raise ValidationError(
                    {"parent": _("A department cannot sit under itself or its own sub-department.")}
                )
            node = node.parent


class Position(BaseModel):
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
    )
    description = models.TextField(_("duties"), blank=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class StaffProfile(BaseModel):
    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="staff_profile"
    )
    employee_no = models.CharField(_("employee number"), max_length=30, unique=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="staff"
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    manager = models.ForeignKey(
        User,
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    grade = models.CharField(_("grade"), max_length=20, blank=True, help_text=_("e.g. P5 or M2"))
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    work_phone = models.CharField(_("work phone"), max_length=30, blank=True)
    # Personal data (clause 6.1.2): encrypted at rest, masked on every page, revealed one value
    # at a time to those with the "reveal" action, each reveal recorded.
    national_id = EncryptedCharField(
        _("national ID number"),
        max_length=18,
        blank=True,
        mask="national_id",
        validators=[validate_national_id],
    )
    national_id_index = BlindIndexField(source="national_id", normaliser="national_id")
    mobile = EncryptedCharField(
        _("mobile number"), max_length=11, blank=True, mask="mobile", validators=[validate_mobile]
    )
    mobile_index = BlindIndexField(source="mobile", normaliser="mobile")
    personal_email = EncryptedCharField(
        _("personal email"), max_length=254, blank=True, mask="email", validators=[validate_email]
    )
    bank_account = EncryptedCharField(
        _("bank account"),
        max_length=19,
        blank=True,
        mask="bank_account",
        validators=[validate_bank_account],
        help_text=_("For payroll and reimbursements."),
    )

    PERSONAL_DATA_FIELDS = ("national_id", "mobile", "personal_email", "bank_account")

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ("employee_no",)

    def __str__(self) -> str:
        return f"{self.user} ({self.employee_no})"

    def clean(self):
        if self.manager_id and self.manager_id == self.user_id:
            raise ValidationError({"manager": _("A staff member cannot be their own manager.")})


class Role(Group):
    """A role is a Django group; this proxy gives it a translated label and description."""

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ("name",)

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        from whitewall.accounts.roles import ROLES

        spec = ROLES.get(self.name)
        return spec.label if spec else self.name

    @property
    def description(self):
        from whitewall.accounts.roles import ROLES

        spec = ROLES.get(self.name)
        return spec.description if spec else ""


class ObjectPermission(BaseModel):
    """Grants actions on models to roles or users, optionally limited by constraints.

    ``constraints`` is a JSON object of field lookups (``{"department": "$department"}``) or a
    list of such objects (any one matches). ``$user`` and ``$department`` stand for the user and
    their department. Empty constraints grant every row.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    object_types = models.ManyToManyField(
        ContentType, verbose_name=_("object types"), related_name="object_permissions"
    )
    actions = models.JSONField(_("actions"), default=list, help_text=_("e.g. view, add, change, delete"))
    constraints = models.JSONField(_("constraints"), null=True, blank=True)
    groups = models.ManyToManyField(
        Group, verbose_name=_("roles"), blank=True, related_name="object_permissions"
    )
    users = models.ManyToManyField(
        User, verbose_name=_("users"), blank=True, related_name="object_permissions"
    )

    class Meta:
        verbose_name = _("permission")
        verbose_name_plural = _("permissions")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from whitewall.accounts.constraints import validate_constraints

        if (
            not isinstance(self.actions, list)
            or not self.actions
            or not all(isinstance(a, str) and a.isidentifier() for a in self.actions)
        ):
            raise ValidationError(
                {"actions": _("List one or more actions, such as view, add, change, delete.")}
            )
        validate_constraints(self.constraints)


class SeededGrant(models.Model):
    """Names of default grants already seeded, so that an administrator's edits are never undone."""

    name = models.CharField(max_length=200, unique=True)
    seeded = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("seeded grant")
        verbose_name_plural = _("seeded grants")

    def __str__(self) -> str:
        return self.name


class APIToken(BaseModel):
    """A personal API token. Only a salted SHA-256 digest of the key is stored; the key itself is
    shown once, when the token is made. ``prefix`` (shown in lists) finds the row to compare."""

    SCOPE_READ = "read"
    SCOPE_WRITE = "write"
    SCOPES = [(SCOPE_READ, _("read only")), (SCOPE_WRITE, _("read and write"))]

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    salt = models.CharField(max_length=32, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(_("scope"), max_length=10, choices=SCOPES, default=SCOPE_READ)
    expires = models.DateTimeField(_("expires"))
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix})"

    @property
    def display_prefix(self) -> str:
        return f"{self.prefix}…"

    @property
    def can_write(self) -> bool:
        return self.scope == self.SCOPE_WRITE

    def is_expired(self, now=None) -> bool:
        from django.utils import timezone

        return self.expires <= (now or timezone.now())

    @property
    def status(self) -> str:
        if self.revoked:
            return "revoked"
        return "expired" if self.is_expired() else "active"
