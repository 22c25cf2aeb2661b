"""Reimbursement claims: draft, lines and receipts, submission, approval hooks, finance audit,
payment. Every step that moves money goes through ``finance.control``."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.approvals.services import approval_submit, approval_withdraw
from whitewall.audit.models import Action
from whitewall.audit.services import record
from whitewall.config.policy import get_policy
from whitewall.core.money import format_money
from whitewall.core.permissions import has_model_permission
from whitewall.finance import control
from whitewall.finance.models import (
    COMMITTED_STATES,
    EDITABLE,
    ZERO,
    Claim,
    ClaimEvent,
    ClaimLine,
    ClaimStatus,
    Payment,
    Receipt,
    invoice_key,
)

__all__ = [
    "claim_audit",
    "claim_checklist",
    "claim_event",
    "claim_line_delete",
    "claim_line_save",
    "claim_pay",
    "claim_recheck_budget",
    "claim_save",
    "claim_submit",
    "claim_withdraw",
    "claimed_elsewhere",
    "line_standard",
    "lines_standards",
    "receipt_add",
    "receipt_open",
]

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def claim_event(claim: Claim, kind: str, actor, message) -> ClaimEvent:
    return ClaimEvent.objects.create(
        claim=claim,
        kind=str(kind),
        actor=actor if getattr(actor, "pk", None) else None,
        message=str(message)[:500],
    )


def _may(actor, claim: Claim, action: str) -> bool:
    return Claim.objects.restrict(actor, action).filter(pk=claim.pk).exists()


def _grade(user) -> str:
    profile = getattr(user, "staff_profile", None)
    return (profile.grade or "") if profile else ""


# --- the claim header -----------------------------------------------------------------------------
def _next_number(claim: Claim) -> str:
    year = timezone.localdate().year
    prefix = f"BX{year}-"
    last = Claim.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


@transaction.atomic
def claim_save(*, actor, claim: Claim) -> Claim:
    """Create or change a claim's header while it is a draft (or withdrawn).

    The applicant is the actor; a claim in another person's name needs the ``file_for_others``
    permission on claims. The department is the applicant's.
    """
    creating = claim.pk is None
    if actor is not None:
        if creating and not has_model_permission(actor, Claim, "add"):
            raise PermissionDenied(_("You do not have permission to do this."))
        if not creating and not _may(actor, claim, "change"):
            raise PermissionDenied(_("You do not have permission to do this."))
        if claim.applicant_id is None:
            claim.applicant = actor
        if claim.applicant_id != actor.pk and not has_model_permission(actor, Claim, "file_for_others"):
            raise ValidationError(
                {
                    "applicant": _(
                        "You may only file claims in your own name (filing for others needs permission)."
                    )
                }
            )
        if creating:
            claim.created_by = actor
    if not creating:
        current = Claim.objects.select_for_update().get(pk=claim.pk)
        if current.status not in EDITABLE:
            raise ValidationError(
                _("Only a draft or withdrawn claim can be changed; this one is “%(status)s”.")
                % {"status": current.get_status_display()}
            )
        if current.applicant_id != claim.applicant_id:
            raise ValidationError({"applicant": _("The applicant of a claim cannot change.")})
    profile = getattr(claim.applicant, "staff_profile", None)
    if profile is None or profile.department_id is None:
        raise ValidationError({"applicant": _("The applicant has no department in the staff directory.")})
    claim.department = profile.department
    if creating:
        claim.number = _next_number(claim)
    claim.full_clean()
    for attempt in range(5):
        try:
            with transaction.atomic():
                claim.save()
            break
        except IntegrityError:
            if not creating or attempt == 4:
                raise
            claim.number = _next_number(claim)
    if creating:
        claim_event(claim, "created", actor, _("Created"))
    return claim


# --- lines, standards and receipts ------------------------------------------------------------------
# Other claims whose lines count towards the applicant's per-day cap: submitted and later, paid
# included. Drafts and withdrawn claims do not count (they may never be submitted; each is checked
# against the others when it is), nor do rejected ones (they will not be paid).
DAY_CAP_COUNTED = (*COMMITTED_STATES, ClaimStatus.PAID)


def claimed_elsewhere(claim: Claim, keys) -> dict[tuple[int, object], Decimal]:
    """What the applicant of ``claim`` already claims in other claims per (category id, date) of
    ``keys``: the lines of the claims in ``DAY_CAP_COUNTED``, at their sanctioned amount when the
    finance audit lowered one. A claim that is already submitted counts only the claims submitted
    before it (the one that crosses a cap is the one that needs the exception reason); a draft
    counts every submitted one. One query."""
    keys = {(category_id, on) for category_id, on in keys if category_id and on}
    if not keys or claim.applicant_id is None:
        return {}
    others = ClaimLine.objects.filter(
        claim__applicant_id=claim.applicant_id,
        claim__status__in=DAY_CAP_COUNTED,
        category_id__in={category_id for category_id, _on in keys},
        date__in={on for _category_id, on in keys},
    )
    if claim.pk is not None:
        others = others.exclude(claim_id=claim.pk)
        if claim.status not in EDITABLE and claim.submitted_at is not None:
            others = others.filter(
                Q(claim__submitted_at__lt=claim.submitted_at)
                | Q(claim__submitted_at=claim.submitted_at, claim_id__lt=claim.pk)
            )
    rows = (
        others.values("category_id", "date")
        .annotate(total=Sum(Coalesce("sanctioned_amount", "amount")))
        .order_by()
    )
    return {
        (row["category_id"], row["date"]): row["total"]
        for row in rows
        if (row["category_id"], row["date"]) in keys
    }


def line_standard(line: ClaimLine, *, other_lines=None, elsewhere=None) -> tuple[bool, str]:
    """Whether ``line`` exceeds the reimbursement standard of its category for the applicant's
    grade (per item; per day, counting the applicant's lines of that category and date in this
    claim and in their other submitted claims; per claim), and a note saying which.

    ``other_lines`` are the claim's lines (read when not given); ``elsewhere`` is
    :func:`claimed_elsewhere` for them (queried when not given and the standard has a day cap)."""
    claim = line.claim
    standard = get_policy().finance.standard_for(line.category.code, _grade(claim.applicant))
    if standard is None:
        return False, ""
    siblings = [
        other
        for other in (other_lines if other_lines is not None else claim.lines.all())
        if other.pk != line.pk
    ]
    siblings = [other for other in siblings if other.category_id == line.category_id]
    over = []
    if standard.per_item_cap and line.amount > Decimal(str(standard.per_item_cap)):
        over.append(_("per item cap %(cap)s") % {"cap": format_money(standard.per_item_cap)})
    if standard.per_day_cap:
        key = (line.category_id, line.date)
        if elsewhere is None:
            elsewhere = claimed_elsewhere(claim, [key])
        day_total = (
            line.amount
            + sum((o.amount for o in siblings if o.date == line.date), ZERO)
            + elsewhere.get(key, ZERO)
        )
        if day_total > Decimal(str(standard.per_day_cap)):
            over.append(_("per day cap %(cap)s") % {"cap": format_money(standard.per_day_cap)})
    claim_total = line.amount + sum((o.amount for o in siblings), ZERO)
    if standard.per_claim_cap and claim_total > Decimal(str(standard.per_claim_cap)):
        over.append(_("per claim cap %(cap)s") % {"cap": format_money(standard.per_claim_cap)})
    if not over:
        return False, ""
    return True, _("Over the standard (%(scope)s): %(caps)s") % {
        "scope": standard.scope,
        "caps": ", ".join(over),
    }


def lines_standards(claim: Claim, lines: list[ClaimLine]) -> list[tuple[bool, str]]:
    """:func:`line_standard` for every line of ``claim`` (its lines, all of them), with one query
    for the applicant's other claims."""
    elsewhere = claimed_elsewhere(claim, [(line.category_id, line.date) for line in lines])
    return [line_standard(line, other_lines=lines, elsewhere=elsewhere) for line in lines]


def _validate_file(upload) -> tuple[bytes, str]:
    limit = get_policy().finance.receipt_max_kb * 1024
    size = getattr(upload, "size", None) or 0
    if size > limit:
        raise ValidationError(
            {
                "receipts": _("%(name)s is %(size)d KB; receipts may be at most %(limit)d KB.")
                % {"name": upload.name, "size": size // 1024, "limit": limit // 1024}
            }
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            {
                "receipts": _("%(name)s is larger than %(limit)d KB.")
                % {"name": upload.name, "limit": limit // 1024}
            }
        )
    if not data:
        raise ValidationError({"receipts": _("%(name)s is empty.") % {"name": upload.name}})
    kind = next((mime for magic, mime in SIGNATURES if data.startswith(magic)), None)
    if kind is None:
        raise ValidationError(
            {
                "receipts": _("%(name)s is not a PDF, JPEG or PNG file (checked by its content).")
                % {"name": upload.name}
            }
        )
    return data, kind


def receipt_add(*, line: ClaimLine, upload) -> Receipt:
    data, kind = _validate_file(upload)
    digest = hashlib.sha256(data).hexdigest()
    receipt = Receipt(
        line=line,
        original_name=(upload.name or "receipt")[-200:],
        content_type=kind,
        size=len(data),
        sha256=digest,
    )
    receipt.file.save("receipt", ContentFile(data), save=False)
    receipt.save()
    return receipt


def receipt_open(*, actor, receipt: Receipt, request=None):
    """Open a receipt's file for ``actor`` to download or view, and record that in the audit trail
    (who, which claim and line, which file). The caller has checked that ``actor`` may view the
    claim. Raises FileNotFoundError (and records nothing) when the stored file is gone."""
    handle = receipt.file.open("rb")
    line = receipt.line
    record(
        action=Action.EXPORT,
        actor=actor,
        request=request,
        obj=receipt,
        extra={
            "format": receipt.content_type,
            "file": receipt.original_name,
            "sha256": receipt.sha256,
            "claim": line.claim.number,
            "claim_id": line.claim_id,
            "claim_line": line.pk,
        },
    )
    return handle


def _refresh_totals(claim: Claim) -> None:
    lines = list(claim.lines.all())
    claim.amount = sum((line.amount for line in lines), ZERO)
    claim.exceeds_standard = any(line.exceeds_standard for line in lines)
    claim.save(update_fields=["amount", "exceeds_standard", "updated"])


@transaction.atomic
def claim_line_save(*, actor, line: ClaimLine, files=()) -> ClaimLine:
    """Add or change a line of an editable claim, with its new receipt files. Refuses a future
    date, an amount not above zero, a duplicate invoice number, a line over a standard without an
    exception reason, and any receipt that is too large or not really a PDF/JPEG/PNG."""
    claim = Claim.objects.select_for_update().get(pk=line.claim_id)
    if actor is not None and not _may(actor, claim, "change"):
        raise PermissionDenied(_("You do not have permission to do this."))
    if claim.status not in EDITABLE:
        raise ValidationError(_("Lines can only be changed while the claim is a draft."))
    line.claim = claim
    errors = {}
    if line.amount is not None and line.amount <= 0:
        errors["amount"] = _("The amount must be greater than zero.")
    if line.date and line.date > timezone.localdate():
        errors["date"] = _("The date cannot be in the future.")
    if line.category_id and not line.category.is_active:
        errors["category"] = _("This category is no longer in use.")
    line.invoice_number = (line.invoice_number or "").strip()
    line.invoice_key = invoice_key(line.invoice_number)
    if line.invoice_key:
        used = (
            ClaimLine.objects.filter(invoice_key=line.invoice_key)
            .exclude(pk=line.pk)
            .select_related("claim")
            .first()
        )
        if used is not None:
            errors["invoice_number"] = _("Invoice number %(number)s is already claimed in %(claim)s.") % {
                "number": line.invoice_number,
                "claim": used.claim.number,
            }
    if errors:
        raise ValidationError(errors)
    line.full_clean(exclude=["claim"])
    line.exceeds_standard, line.standard_note = line_standard(line)
    line.exception_reason = (line.exception_reason or "").strip()
    if line.exceeds_standard and not line.exception_reason:
        raise ValidationError(
            {"exception_reason": f"{line.standard_note}. " + _("Give a reason for the exception.")}
        )
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError:
        raise ValidationError({"invoice_number": _("This invoice number is already claimed.")})
    for upload in files or ():
        receipt_add(line=line, upload=upload)
    # Other lines of the same category may now cross a per-day or per-claim cap too.
    lines = list(claim.lines.select_related("category"))
    others = [other for other in lines if other.pk != line.pk and other.category_id == line.category_id]
    elsewhere = (
        claimed_elsewhere(claim, [(other.category_id, other.date) for other in others]) if others else {}
    )
    for other in others:
        other.claim = claim
        verdict = line_standard(other, other_lines=lines, elsewhere=elsewhere)
        if verdict != (other.exceeds_standard, other.standard_note):
            other.exceeds_standard, other.standard_note = verdict
            other.save(update_fields=["exceeds_standard", "standard_note", "updated"])
    _refresh_totals(claim)
    return line


@transaction.atomic
def claim_line_delete(*, actor, line: ClaimLine) -> None:
    claim = Claim.objects.select_for_update().get(pk=line.claim_id)
    if actor is not None and not _may(actor, claim, "change"):
        raise PermissionDenied(_("You do not have permission to do this."))
    if claim.status not in EDITABLE:
        raise ValidationError(_("Lines can only be changed while the claim is a draft."))
    line.delete()
    _refresh_totals(claim)


# --- submission and the budget checks at each step ----------------------------------------------------
def _validate_for_submission(claim: Claim, lines: list[ClaimLine]) -> list[tuple[bool, str]]:
    """Refuse the submission with every problem named; the lines' standard verdicts otherwise."""
    if not lines:
        raise ValidationError({"lines": _("Add at least one line before submitting.")})
    required = set(get_policy().finance.receipt_required_categories)
    today = timezone.localdate()
    problems = []
    standards = lines_standards(claim, lines)
    for index, (line, (exceeds, note)) in enumerate(zip(lines, standards, strict=True), start=1):
        if line.category.code in required and not line.receipts.exists():
            problems.append(
                _("Line %(n)d (%(category)s) needs a receipt file.") % {"n": index, "category": line.category}
            )
        if line.date > today:
            problems.append(_("Line %(n)d is dated in the future.") % {"n": index})
        if exceeds and not line.exception_reason:
            problems.append(_("Line %(n)d: %(note)s; give an exception reason.") % {"n": index, "note": note})
    if problems:
        raise ValidationError({"lines": problems})
    return standards


@transaction.atomic
def claim_submit(*, actor, claim: Claim, override_reason: str | None = None):
    """Submit a draft: validate lines and receipts, commit the budget of every line (refused as a
    whole if any line is stopped by the policy), then start the ``finance.reimbursement`` flow."""
    claim = Claim.objects.select_for_update().select_related("applicant", "department").get(pk=claim.pk)
    if actor is None or not claim.approval_can_submit(actor):
        raise PermissionDenied(_("Only the applicant (or whoever entered the claim) may submit it."))
    if claim.status not in EDITABLE:
        raise ValidationError(
            _("Only a draft or withdrawn claim can be submitted; this one is “%(status)s”.")
            % {"status": claim.get_status_display()}
        )
    lines = list(claim.lines.select_related("category"))
    standards = _validate_for_submission(claim, lines)
    for line, verdict in zip(lines, standards, strict=True):
        line.exceeds_standard, line.standard_note = verdict
        line.save(update_fields=["exceeds_standard", "standard_note", "updated"])
    _refresh_totals(claim)
    warnings = []
    for index, line in enumerate(lines, start=1):
        try:
            _commitment, check = control.budget_commit(
                actor=actor,
                document=claim,
                line_key=line.line_key,
                department=claim.department,
                category=line.category,
                on=line.date,
                amount=line.amount,
                override_reason=override_reason,
                project=claim.project,
                description=f"{claim.number} {line.description}",
            )
        except ValidationError as exc:
            messages = exc.message_dict.get("amount") if hasattr(exc, "error_dict") else exc.messages
            raise ValidationError(
                {
                    "amount": [
                        _("Line %(n)d (%(category)s): ") % {"n": index, "category": line.category} + m
                        for m in messages
                    ]
                }
            )
        if check.action == control.WARN:
            warnings.append(_("Line %(n)d: ") % {"n": index} + check.message)
    claim.status = ClaimStatus.SUBMITTED
    claim.submitted_at = timezone.now()
    claim.save(update_fields=["status", "submitted_at", "updated"])
    claim_event(
        claim,
        "submitted",
        actor,
        _("Submitted; %(amount)s of budget committed") % {"amount": format_money(claim.amount)}
        + ("; " + " ".join(str(w) for w in warnings) if warnings else ""),
    )
    request = approval_submit(actor=actor, document=claim)
    return request, warnings


def claim_recheck_budget(claim: Claim, *, stage, amounts: dict | None = None) -> None:
    """Check every line again against the budget (its own commitment counted as available);
    raises ValidationError if the policy now stops one (an approval step, the audit, payment)."""
    for index, line in enumerate(claim.lines.select_related("category"), start=1):
        amount = (amounts or {}).get(line.pk, line.payable_amount)
        if not amount:
            continue
        check = control.budget_check(
            department=claim.department, category=line.category, on=line.date, amount=amount, exclude=claim
        )
        # An overridden commitment stays held; asked only when the check would stop the line.
        if check.action == control.STOP and not claim_line_commitment_overridden(claim, line):
            raise ValidationError(
                {
                    "amount": _("Budget check at %(stage)s, line %(n)d: %(message)s")
                    % {"stage": stage, "n": index, "message": check.message}
                }
            )


def claim_line_commitment_overridden(claim: Claim, line: ClaimLine) -> bool:
    from django.contrib.contenttypes.models import ContentType

    from whitewall.finance.models import Commitment

    return (
        Commitment.objects.filter(
            content_type=ContentType.objects.get_for_model(Claim), object_id=claim.pk, line_key=line.line_key
        )
        .exclude(override_reason="")
        .exists()
    )


@transaction.atomic
def claim_withdraw(*, actor, claim: Claim, comment: str = "") -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    request = claim.approval_request
    if request is None or claim.status != ClaimStatus.IN_APPROVAL:
        raise ValidationError(_("Only a claim waiting for approval can be withdrawn."))
    approval_withdraw(actor=actor, request=request, comment=comment)
    claim.refresh_from_db()
    return claim


# --- finance audit ----------------------------------------------------------------------------------
def claim_checklist(claim: Claim) -> list[dict]:
    """The finance audit checklist (5.2.3), each item computed from the records."""
    lines = list(claim.lines.select_related("category").prefetch_related("receipts"))
    required = set(get_policy().finance.receipt_required_categories)
    missing = [
        str(i)
        for i, line in enumerate(lines, 1)
        if line.category.code in required and not line.receipts.all()
    ]
    keys = [line.invoice_key for line in lines if line.invoice_key]
    dup_keys = {k for k in keys if keys.count(k) > 1}
    elsewhere = (
        ClaimLine.objects.filter(invoice_key__in=keys)
        .exclude(claim=claim)
        .values_list("invoice_key", "claim__number")
    )
    duplicates_invoice = sorted({f"{k}" for k in dup_keys} | {f"{k} ({n})" for k, n in elsewhere})
    hashes = {r.sha256: r for line in lines for r in line.receipts.all()}
    same_in_claim = [
        r.original_name
        for r_hash, r in hashes.items()
        if sum(1 for line in lines for x in line.receipts.all() if x.sha256 == r_hash) > 1
    ]
    other_claims = (
        Receipt.objects.filter(sha256__in=list(hashes))
        .exclude(line__claim=claim)
        .exclude(line__claim__status__in=[ClaimStatus.REJECTED])
        .values_list("sha256", "line__claim__number")
    )
    duplicate_files = sorted(
        {f"{hashes[h].original_name} = {number}" for h, number in other_claims} | set(same_in_claim)
    )
    total = sum((line.amount for line in lines), ZERO)
    stored = Claim.objects.filter(pk=claim.pk).values_list("amount", flat=True).first()
    amounts_match = total == stored and all(line.amount > 0 for line in lines)
    over = [str(i) for i, (exceeds, _note) in enumerate(lines_standards(claim, lines), 1) if exceeds]
    over_without_reason = [
        str(i) for i, line in enumerate(lines, 1) if str(i) in over and not line.exception_reason
    ]
    return [
        {
            "key": "receipts",
            "label": _("Receipts present"),
            "ok": not missing,
            "detail": _("Lines without a receipt: %(lines)s") % {"lines": ", ".join(missing)}
            if missing
            else "",
        },
        {
            "key": "invoice_unique",
            "label": _("Invoice numbers unique across all claims"),
            "ok": not duplicates_invoice,
            "detail": ", ".join(duplicates_invoice),
        },
        {
            "key": "receipt_files_unique",
            "label": _("No duplicate receipt file (by content hash)"),
            "ok": not duplicate_files,
            "detail": _("Same file as: %(files)s") % {"files": "; ".join(duplicate_files)}
            if duplicate_files
            else "",
        },
        {
            "key": "amounts_match",
            "label": _("Amounts match"),
            "ok": amounts_match,
            "detail": _("Lines add up to %(total)s; the claim says %(claim)s.")
            % {"total": format_money(total), "claim": format_money(stored)},
        },
        {
            "key": "standards",
            "label": _("Within standards (or exception approved)"),
            "ok": not over_without_reason,
            "detail": (_("Over a standard: lines %(lines)s") % {"lines": ", ".join(over)}) if over else "",
        },
    ]


@transaction.atomic
def claim_audit(
    *, actor, claim: Claim, approve: bool, sanctions: dict | None = None, note: str = ""
) -> Claim:
    """The finance officer's audit: may lower lines' sanctioned amounts (with a reason), then
    approves the claim for payment or rejects it (releasing the budget)."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if actor is None or not _may(actor, claim, "audit"):
        raise PermissionDenied(_("Only the finance officer may audit claims."))
    if actor.pk == claim.applicant_id:
        raise PermissionDenied(_("You cannot audit your own claim."))
    if claim.status != ClaimStatus.FINANCE_AUDIT:
        raise ValidationError(_("This claim is not waiting for the finance audit."))
    note = (note or "").strip()
    lines = {line.pk: line for line in claim.lines.select_related("category")}
    changes = []
    for line_id, (amount, reason) in (sanctions or {}).items():
        line = lines.get(int(line_id))
        if line is None:
            raise ValidationError(
                {"sanctions": _("Line %(id)s is not part of this claim.") % {"id": line_id}}
            )
        amount = Decimal(amount)
        if amount == line.amount and line.sanctioned_amount is None:
            continue
        if amount < 0 or amount > line.amount:
            raise ValidationError(
                {
                    f"sanctioned_{line.pk}": _(
                        "The sanctioned amount must be between ¥0.00 and the claimed %(amount)s."
                    )
                    % {"amount": format_money(line.amount)}
                }
            )
        if amount < line.amount and not (reason or "").strip():
            raise ValidationError(
                {
                    f"reason_{line.pk}": _("Give the reason for lowering the amount of “%(line)s”.")
                    % {"line": line}
                }
            )
        line.sanctioned_amount = amount
        line.sanction_reason = (reason or "").strip()[:300]
        line.save(update_fields=["sanctioned_amount", "sanction_reason", "updated"])
        changes.append(
            _("%(line)s: %(old)s → %(new)s (%(reason)s)")
            % {
                "line": line.description,
                "old": format_money(line.amount),
                "new": format_money(amount),
                "reason": line.sanction_reason,
            }
        )
    checklist = claim_checklist(claim)
    claim.audit_checklist = [
        {**item, "label": str(item["label"]), "detail": str(item["detail"])} for item in checklist
    ]
    claim.audited_by = actor
    claim.audited_at = timezone.now()
    claim.audit_note = note
    claim.sanctioned_amount = sum((line.payable_amount for line in lines.values()), ZERO)
    if approve:
        failed = [item for item in checklist if not item["ok"]]
        if failed and not note:
            raise ValidationError(
                {
                    "note": _(
                        "The checklist has open items (%(items)s): explain in the note why you approve."
                    )
                    % {"items": ", ".join(str(item["label"]) for item in failed)}
                }
            )
        claim_recheck_budget(claim, stage=_("finance audit"))
        claim.status = ClaimStatus.APPROVED
        message = _("Finance audit passed; %(amount)s approved for payment") % {
            "amount": format_money(claim.sanctioned_amount)
        }
    else:
        if not note:
            raise ValidationError({"note": _("Give the reason for rejecting the claim.")})
        claim.status = ClaimStatus.REJECTED
        control.budget_release(actor=actor, document=claim)
        message = _("Rejected in the finance audit; budget released")
    claim.save()
    claim_event(
        claim, "audited", actor, "; ".join([str(message), *map(str, changes), note][: 2 + len(changes)])
    )
    return claim


# --- payment ----------------------------------------------------------------------------------------
@transaction.atomic
def claim_pay(*, actor, claims, reference: str, note: str = "") -> Payment:
    """Pay one or more approved claims under one reference: their commitments become actual (at
    the sanctioned amounts; the rest is released)."""
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError(
            {"reference": _("Give the payment reference (bank or cashier voucher number).")}
        )
    ids = [c.pk for c in claims]
    if not ids:
        raise ValidationError({"claims": _("Choose at least one claim to pay.")})
    locked = list(Claim.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    for claim in locked:
        if actor is not None and not _may(actor, claim, "pay"):
            raise PermissionDenied(_("Only the finance officer may pay claims."))
        if claim.status != ClaimStatus.APPROVED:
            raise ValidationError(
                {
                    "claims": _("%(claim)s is “%(status)s”, not approved for payment.")
                    % {"claim": claim.number, "status": claim.get_status_display()}
                }
            )
        if actor is not None and actor.pk == claim.applicant_id:
            raise PermissionDenied(_("You cannot pay your own claim."))
    payment = Payment.objects.create(
        reference=reference[:100], paid_at=timezone.now(), paid_by=actor, note=(note or "")[:300]
    )
    total = ZERO
    for claim in locked:
        claim_recheck_budget(claim, stage=_("payment"))
        for line in claim.lines.all():
            control.budget_actualize(
                actor=actor, document=claim, line_key=line.line_key, amount=line.payable_amount
            )
        claim.status = ClaimStatus.PAID
        claim.payment = payment
        claim.save(update_fields=["status", "payment", "updated"])
        total += claim.payable_amount
        claim_event(
            claim,
            "paid",
            actor,
            _("Paid %(amount)s, reference %(ref)s")
            % {"amount": format_money(claim.payable_amount), "ref": reference},
        )
    payment.total = total
    payment.save(update_fields=["total", "updated"])
    return payment


def claims_summary():
    """Counts and sums per status (for cards and checks)."""
    return Claim.objects.values("status").annotate(n=Count("id"), total=Sum("amount"))
