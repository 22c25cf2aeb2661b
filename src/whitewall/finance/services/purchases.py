"""Purchase requests: save (with items), check, submit (commits budget), order, receive (actual),
cancel. The approval engine decides in between; the request's hooks release the budget when it is
rejected, sent back or withdrawn."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.approvals.services import approval_submit
from whitewall.finance import control
from whitewall.finance.models import (
    CENT,
    PURCHASE_EDITABLE,
    PURCHASE_HOLDING,
    PURCHASE_LINE_KEY,
    PurchaseItem,
    PurchaseRequest,
    PurchaseStatus,
)
from whitewall.finance.services.budgets import _require

__all__ = [
    "purchase_cancel",
    "purchase_check",
    "purchase_order",
    "purchase_receive",
    "purchase_save",
    "purchase_submit",
]

MAX_ITEMS = 50
# What the columns hold (quantity: 10 digits, money: 14 digits, both with 2 decimals).
LIMIT_QUANTITY = Decimal("1e8")
LIMIT_AMOUNT = Decimal("1e12")
# Ordering and receiving are finance's work: a permission action that requesters do not hold.
MANAGE = "manage"


def _clean_items(items: list[dict]) -> list[PurchaseItem]:
    """Validate the item rows; errors name the row and the column ("items": "Row 2, quantity: …")."""
    rows, errors = [], []
    for index, data in enumerate(items, start=1):
        description = str(data.get("description") or "").strip()
        if not description and not data.get("quantity") and not data.get("unit_price"):
            continue  # an empty row of the form
        item = PurchaseItem(position=len(rows) + 1, description=description[:200])
        for name in ("quantity", "unit_price"):
            raw = data.get(name)
            try:
                value = Decimal(str(raw).replace(",", "").strip())
                if not value.is_finite():
                    raise InvalidOperation
                setattr(item, name, value.quantize(CENT))
            except (InvalidOperation, ValueError, TypeError):
                errors.append(
                    _("Row %(row)s, %(column)s: give a number.")
                    % {"row": index, "column": PurchaseItem._meta.get_field(name).verbose_name}
                )
        if not description:
            errors.append(_("Row %(row)s, item: describe what is bought.") % {"row": index})
        limits = {"quantity": LIMIT_QUANTITY, "unit_price": LIMIT_AMOUNT}
        for name, limit in limits.items():
            value = getattr(item, name)
            if value is not None and abs(value) >= limit:
                errors.append(
                    _("Row %(row)s, %(column)s: the number is too large.")
                    % {"row": index, "column": PurchaseItem._meta.get_field(name).verbose_name}
                )
                setattr(item, name, None)
        if item.quantity is not None and item.unit_price is not None:
            if item.quantity * item.unit_price >= LIMIT_AMOUNT:
                errors.append(_("Row %(row)s: the amount is too large.") % {"row": index})
                rows.append(item)
                continue
            try:
                item.clean()
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    errors.extend(
                        _("Row %(row)s, %(column)s: %(message)s")
                        % {
                            "row": index,
                            "column": PurchaseItem._meta.get_field(field).verbose_name,
                            "message": message,
                        }
                        for message in messages
                    )
        rows.append(item)
    if not rows and not errors:
        errors.append(_("Add at least one item (what is bought, quantity and unit price)."))
    if len(rows) > MAX_ITEMS:
        errors.append(_("A purchase request has at most %(max)s items.") % {"max": MAX_ITEMS})
    if errors:
        raise ValidationError({"items": errors})
    return rows


@transaction.atomic
def purchase_save(*, actor, request: PurchaseRequest, items: list[dict]) -> PurchaseRequest:
    """Create or change a purchase request and its items while it is a draft (all or nothing)."""
    if request.pk is None:
        _require(actor, PurchaseRequest, "add")
        if request.requester_id is None and actor is not None:
            request.requester = actor
        request.status = PurchaseStatus.DRAFT
    else:
        _require(actor, request, "change")
        current = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
        if current.status not in PURCHASE_EDITABLE:
            raise ValidationError(
                _("Only a draft or withdrawn request can be changed; this one is “%(status)s”.")
                % {"status": current.get_status_display()}
            )
        request.status = current.status
    rows = _clean_items(items)
    request.amount = sum((row.amount for row in rows), Decimal("0"))
    if request.amount >= LIMIT_AMOUNT:
        raise ValidationError({"items": _("The total amount is too large.")})
    request.full_clean()
    request.save()
    request.items.all().delete()
    for row in rows:
        row.request = request
    PurchaseItem.objects.bulk_create(rows)
    return request


def purchase_check(
    *, department, category, on: datetime.date, amount, request: PurchaseRequest | None = None
) -> control.BudgetCheck:
    """The budget check of a request (the live check in the form; read-only)."""
    return control.budget_check(
        department=department,
        category=category,
        on=on,
        amount=amount,
        exclude=request if request is not None and request.pk else None,
    )


@transaction.atomic
def purchase_submit(*, actor, request: PurchaseRequest, override_reason: str = ""):
    """Commit the request's amount against its budget line (refused on a "stop" unless the
    override role gives a reason), then send it through the ``finance.purchase`` flow."""
    request = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
    if actor is None or actor.pk != request.requester_id:
        raise PermissionDenied(_("Only the requester may submit the purchase request."))
    if request.status not in PURCHASE_EDITABLE:
        raise ValidationError(_("Only a draft or withdrawn request can be submitted."))
    if request.amount <= 0:
        raise ValidationError({"items": _("Add at least one item before submitting.")})
    commitment, check = control.budget_commit(
        actor=actor,
        document=request,
        line_key=PURCHASE_LINE_KEY,
        department=request.department,
        category=request.category,
        on=request.expected_date,
        amount=request.amount,
        override_reason=override_reason,
        project=request.project,
        description=str(request)[:300],
    )
    request.budget_warning = commitment.warning
    request.override_reason = commitment.override_reason
    request.save(update_fields=["budget_warning", "override_reason", "updated"])
    approval = approval_submit(actor=actor, document=request)
    return approval, check


@transaction.atomic
def purchase_order(
    *, actor, request: PurchaseRequest, supplier: str, order_reference: str, ordered_on: datetime.date | None
) -> PurchaseRequest:
    """Record the order of an approved request (finance officer: the ``manage`` action)."""
    _require(actor, request, MANAGE)
    request = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != PurchaseStatus.APPROVED:
        raise ValidationError(
            _("Only an approved request can be ordered; this one is “%(status)s”.")
            % {"status": request.get_status_display()}
        )
    errors = {}
    if not (supplier or "").strip():
        errors["supplier"] = _("Name the supplier.")
    if not (order_reference or "").strip():
        errors["order_reference"] = _("Give the order reference (contract or order number).")
    ordered_on = ordered_on or timezone.localdate()
    if ordered_on > timezone.localdate():
        errors["ordered_on"] = _("The order date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    request.supplier = supplier.strip()[:200]
    request.order_reference = order_reference.strip()[:100]
    request.ordered_on = ordered_on
    request.status = PurchaseStatus.ORDERED
    request.save(update_fields=["supplier", "order_reference", "ordered_on", "status", "updated"])
    return request


@transaction.atomic
def purchase_receive(
    *, actor, request: PurchaseRequest, received_on: datetime.date | None, received_amount
) -> PurchaseRequest:
    """Record the receipt: the committed budget becomes actual at the received amount (the rest,
    if the goods cost less, is given back)."""
    _require(actor, request, MANAGE)
    request = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != PurchaseStatus.ORDERED:
        raise ValidationError(
            _("Only an ordered request can be received; this one is “%(status)s”.")
            % {"status": request.get_status_display()}
        )
    received_on = received_on or timezone.localdate()
    try:
        amount = Decimal(str(received_amount)).quantize(CENT)
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"received_amount": _("Give the received amount as a number.")})
    if amount <= 0:
        raise ValidationError({"received_amount": _("The received amount must be greater than zero.")})
    if amount > request.amount:
        raise ValidationError(
            {
                "received_amount": _(
                    "The received amount %(received)s exceeds the approved %(approved)s; ask for a "
                    "new request (or a budget adjustment) for the difference."
                )
                % {"received": control.money(amount), "approved": control.money(request.amount)}
            }
        )
    if request.ordered_on and received_on < request.ordered_on:
        raise ValidationError({"received_on": _("The goods cannot be received before they were ordered.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The receipt date cannot be in the future.")})
    control.budget_actualize(actor=actor, document=request, line_key=PURCHASE_LINE_KEY, amount=amount)
    request.received_on = received_on
    request.received_amount = amount
    request.status = PurchaseStatus.RECEIVED
    request.save(update_fields=["received_on", "received_amount", "status", "updated"])
    return request


@transaction.atomic
def purchase_cancel(*, actor, request: PurchaseRequest, reason: str) -> PurchaseRequest:
    """Cancel a request that is not in approval and not yet received; the budget is given back."""
    _require(actor, request, "change")
    request = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == PurchaseStatus.SUBMITTED:
        raise ValidationError(_("The request is in approval: withdraw it from the approval first."))
    if request.status not in (*PURCHASE_EDITABLE, *PURCHASE_HOLDING):
        raise ValidationError(
            _("A request that is “%(status)s” cannot be cancelled.")
            % {"status": request.get_status_display()}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancel_reason": _("Give the reason for the cancellation.")})
    control.budget_release(actor=actor, document=request)
    request.status = PurchaseStatus.CANCELLED
    request.cancel_reason = reason[:300]
    request.save(update_fields=["status", "cancel_reason", "updated"])
    return request
