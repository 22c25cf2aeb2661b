"""Reimbursement (5.2.1–5.2.3): claims, their lines and receipts, finance audit, payment."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from whitewall.approvals.mixins import Approvable
from whitewall.core.models import BaseModel
from whitewall.finance.models.budgets import CENT, ZERO, BudgetCategory, money_field


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_APPROVAL = "in_approval", _("In approval")
    FINANCE_AUDIT = "finance_audit", _("Finance audit")
    APPROVED = "approved", _("Approved for payment")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# States in which the claim's lines may be changed by the applicant.
EDITABLE = (ClaimStatus.DRAFT, ClaimStatus.WITHDRAWN)
# States in which the claim holds committed budget.
COMMITTED_STATES = (
    ClaimStatus.SUBMITTED,
    ClaimStatus.IN_APPROVAL,
    ClaimStatus.FINANCE_AUDIT,
    ClaimStatus.APPROVED,
)


def invoice_key(number: str) -> str:
    """The invoice number compared for uniqueness: letters and digits only, upper case."""
    return re.sub(r"[^0-9A-Za-z]", "", number or "").upper()


class Payment(BaseModel):
    """One payment run (single claim or a batch) with the bank or cashier reference."""

    reference = models.CharField(_("payment reference"), max_length=100)
    paid_at = models.DateTimeField(_("paid at"))
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("paid by"), on_delete=models.PROTECT, related_name="+"
    )
    total = money_field(_("total"), default=ZERO)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ("-paid_at",)

    def __str__(self) -> str:
        return self.reference


class Claim(Approvable, BaseModel):
    approval_process = "finance.reimbursement"

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="claims"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="claims"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT, db_index=True
    )
    amount = money_field(_("amount"), default=ZERO, editable=False)
    sanctioned_amount = money_field(_("sanctioned amount"), null=True, blank=True, editable=False)
    exceeds_standard = models.BooleanField(_("exceeds a standard"), default=False, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    audited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("audited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    audited_at = models.DateTimeField(_("audited at"), null=True, blank=True, editable=False)
    audit_checklist = models.JSONField(_("audit checklist"), default=list, blank=True, editable=False)
    audit_note = models.TextField(_("audit note"), blank=True, editable=False)
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        editable=False,
    )

    class Meta:
        verbose_name = _("reimbursement claim")
        verbose_name_plural = _("reimbursement claims")
        ordering = ("-id",)

    def __str__(self) -> str:
        return f"{self.number} {self.purpose}"[:120]

    @property
    def payable_amount(self):
        return self.sanctioned_amount if self.sanctioned_amount is not None else self.amount

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    # --- approval hooks -----------------------------------------------------------------------
    def approval_can_submit(self, user) -> bool:
        return user.pk in (self.applicant_id, self.created_by_id)

    def approval_department(self, applicant):
        return self.department

    def approval_title(self) -> str:
        return str(
            _("Reimbursement %(number)s: %(purpose)s") % {"number": self.number, "purpose": self.purpose}
        )[:200]

    def on_submitted(self, request) -> None:
        from whitewall.finance.services.claims import claim_event

        self.status = ClaimStatus.IN_APPROVAL
        self.save(update_fields=["status", "updated"])
        claim_event(self, "in_approval", None, _("Waiting for approval"))

    def on_deciding(self, request, decision, actor) -> None:
        if decision == "approve":
            from whitewall.finance.services.claims import claim_recheck_budget

            claim_recheck_budget(self, stage=_("approval"))

    def on_approved(self, request) -> None:
        from whitewall.finance.services.claims import claim_event

        self.status = ClaimStatus.FINANCE_AUDIT
        self.save(update_fields=["status", "updated"])
        claim_event(self, "finance_audit", None, _("Approved; waiting for the finance audit"))

    def _end(self, status, note) -> None:
        from whitewall.finance.control import budget_release
        from whitewall.finance.services.claims import claim_event

        self.status = status
        self.save(update_fields=["status", "updated"])
        budget_release(actor=None, document=self)
        claim_event(self, status, None, note)

    def on_rejected(self, request) -> None:
        self._end(ClaimStatus.REJECTED, _("Rejected in approval; budget released"))

    def on_sent_back(self, request) -> None:
        self._end(ClaimStatus.DRAFT, _("Sent back for changes; budget released"))

    def on_withdrawn(self, request) -> None:
        self._end(ClaimStatus.WITHDRAWN, _("Withdrawn; budget released"))


class ClaimLine(BaseModel):
    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="lines")
    category = models.ForeignKey(
        BudgetCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="claim_lines"
    )
    date = models.DateField(_("date"))
    amount = money_field(_("amount"), validators=[MinValueValidator(CENT)])
    description = models.CharField(_("description"), max_length=300)
    invoice_number = models.CharField(_("invoice number"), max_length=50, blank=True)
    invoice_key = models.CharField(max_length=50, blank=True, editable=False, db_index=True)
    exception_reason = models.CharField(
        _("exception reason"),
        max_length=500,
        blank=True,
        help_text=_("Required when the line exceeds a reimbursement standard."),
    )
    exceeds_standard = models.BooleanField(_("exceeds a standard"), default=False, editable=False)
    standard_note = models.CharField(_("standard"), max_length=300, blank=True, editable=False)
    sanctioned_amount = money_field(_("sanctioned amount"), null=True, blank=True, editable=False)
    sanction_reason = models.CharField(_("reason for the sanctioned amount"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ("claim", "date", "id")
        constraints = [
            # Invoice numbers are unique across all claims (normalised: letters and digits).
            models.UniqueConstraint(
                fields=["invoice_key"], condition=~Q(invoice_key=""), name="finance_claimline_invoice_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.description}"

    @property
    def line_key(self) -> str:
        return f"line-{self.pk}"

    @property
    def payable_amount(self):
        return self.sanctioned_amount if self.sanctioned_amount is not None else self.amount


def receipt_path(instance, filename):
    return f"finance/receipts/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Receipt(BaseModel):
    line = models.ForeignKey(
        ClaimLine, verbose_name=_("claim line"), on_delete=models.CASCADE, related_name="receipts"
    )
    file = models.FileField(_("file"), upload_to=receipt_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ("line", "id")

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
            self.content_type, ""
        )


class ClaimEvent(models.Model):
    """The finance side of a claim's timeline (the approval engine keeps its own)."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.CharField(_("message"), max_length=500)

    class Meta:
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")
        ordering = ("claim", "at", "id")

    def __str__(self) -> str:
        return self.message
