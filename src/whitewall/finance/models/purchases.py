"""Purchase requests (equipment and other purchases) under budget control (5.1.2).

request (draft) → approval through the policy's ``finance.purchase`` flow → ordered (supplier,
order reference) → received (date, received amount). The request commits its amount against the
department's budget line when it is submitted (``finance.control.budget_commit``), gives it back
when it is rejected, sent back, withdrawn or cancelled (``budget_release``), and turns it into actual
spending on receipt (``budget_actualize``, at the received amount).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from whitewall.approvals.mixins import Approvable
from whitewall.core.models import BaseModel
from whitewall.finance.models.budgets import CENT, ZERO, BudgetCategory, money_field

# The commitment of a purchase request is one line of the ledger: the request's total.
PURCHASE_LINE_KEY = "total"


class PurchaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("In approval")
    APPROVED = "approved", _("Approved")
    ORDERED = "ordered", _("Ordered")
    RECEIVED = "received", _("Received")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")


# States in which the request holds committed budget.
PURCHASE_HOLDING = (PurchaseStatus.SUBMITTED, PurchaseStatus.APPROVED, PurchaseStatus.ORDERED)
# States in which the requester may still change the request.
PURCHASE_EDITABLE = (PurchaseStatus.DRAFT, PurchaseStatus.WITHDRAWN)


class PurchaseRequest(Approvable, BaseModel):
    approval_process = "finance.purchase"

    title = models.CharField(_("title"), max_length=200)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="purchase_requests",
    )
    category = models.ForeignKey(
        BudgetCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="purchase_requests"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="purchase_requests",
    )
    reason = models.TextField(_("reason"))
    expected_date = models.DateField(
        _("expected date"), help_text=_("When the purchase is needed; its month is the budget month.")
    )
    amount = money_field(_("amount"), default=ZERO, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PurchaseStatus.choices,
        default=PurchaseStatus.DRAFT,
        db_index=True,
    )
    # The budget check's warning at submission, and an override of a "stop" (with its reason).
    budget_warning = models.CharField(_("budget warning"), max_length=300, blank=True)
    override_reason = models.CharField(_("override reason"), max_length=500, blank=True)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    order_reference = models.CharField(_("order reference"), max_length=100, blank=True)
    ordered_on = models.DateField(_("ordered on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_amount = money_field(_("received amount"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("purchase request")
        verbose_name_plural = _("purchase requests")
        ordering = ("-id",)
        indexes = [models.Index(fields=["department", "category", "status"])]

    def __str__(self) -> str:
        return f"PR-{self.pk or 0:05d} {self.title}"

    @property
    def number(self) -> str:
        return f"PR-{self.pk or 0:05d}"

    @property
    def is_editable(self) -> bool:
        return self.status in PURCHASE_EDITABLE

    def recompute_amount(self) -> Decimal:
        self.amount = sum((item.amount for item in self.items.all()), ZERO)
        return self.amount

    # --- approval hooks -----------------------------------------------------------------------
    def approval_can_submit(self, user) -> bool:
        return user.pk == self.requester_id

    def approval_department(self, applicant):
        return self.department

    def approval_title(self) -> str:
        return str(_("Purchase %(number)s: %(title)s") % {"number": self.number, "title": self.title})[:200]

    def on_deciding(self, request, decision, actor) -> None:
        # The budget was committed at submission; it stays held while the request is in approval.
        if decision == "approve" and self.status != PurchaseStatus.SUBMITTED:
            raise ValidationError(_("This purchase request is no longer waiting for approval."))

    def on_submitted(self, request) -> None:
        self._set_status(PurchaseStatus.SUBMITTED)

    def on_approved(self, request) -> None:
        self._set_status(PurchaseStatus.APPROVED)

    def on_rejected(self, request) -> None:
        self._give_back(PurchaseStatus.REJECTED)

    def on_sent_back(self, request) -> None:
        self._give_back(PurchaseStatus.DRAFT)

    def on_withdrawn(self, request) -> None:
        self._give_back(PurchaseStatus.WITHDRAWN)

    def _set_status(self, status) -> None:
        self.status = status
        self.save(update_fields=["status", "updated"])

    def _give_back(self, status) -> None:
        from whitewall.finance.control import budget_release

        budget_release(actor=None, document=self)
        self._set_status(status)


class PurchaseItem(BaseModel):
    request = models.ForeignKey(
        PurchaseRequest, verbose_name=_("purchase request"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    description = models.CharField(_("item"), max_length=200)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    unit_price = money_field(_("unit price"), validators=[MinValueValidator(CENT)])
    amount = money_field(_("amount"), default=ZERO, editable=False)

    class Meta:
        verbose_name = _("purchase item")
        verbose_name_plural = _("purchase items")
        ordering = ("request", "position", "id")

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"

    def clean(self):
        errors = {}
        if self.quantity is not None and self.quantity <= 0:
            errors["quantity"] = _("The quantity must be greater than zero.")
        if self.unit_price is not None and self.unit_price <= 0:
            errors["unit_price"] = _("The unit price must be greater than zero.")
        if errors:
            raise ValidationError(errors)
        if self.quantity is not None and self.unit_price is not None:
            self.amount = (self.quantity * self.unit_price).quantize(CENT)

    def get_absolute_url(self):
        return self.request.get_absolute_url()
