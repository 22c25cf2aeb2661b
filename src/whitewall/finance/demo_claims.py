"""Demo claims: about 200 reimbursement claims in every state, made through the real services
(budget commitments, approval flow, finance audit, payment), some waiting in approvers' inboxes."""

from __future__ import annotations

import datetime
import os
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from whitewall.accounts.models import User
from whitewall.approvals.models import RequestStatus
from whitewall.approvals.services import approval_decide
from whitewall.core.permissions import has_model_permission
from whitewall.finance import services
from whitewall.finance.demo_budgets import approve_all
from whitewall.finance.models import BudgetCategory, Claim, ClaimLine, ClaimStatus

# category code → (purpose, line descriptions, amount range)
KINDS = {
    "travel": (
        ["上海客户拜访差旅", "杭州合作方洽谈", "北京行业峰会参会", "深圳供应商考察", "成都高校推广出差"],
        ["高铁二等座往返", "酒店住宿两晚", "市内交通打车", "出差伙食补助", "机票经济舱"],
        (120, 1400),
    ),
    "operating": (
        ["办公用品采购", "软件订阅续费", "快递邮寄费用", "会议室茶歇"],
        ["打印纸与硒鼓", "协作软件年费", "顺丰快递费", "白板笔与便签", "茶歇点心"],
        (30, 900),
    ),
    "training": (
        ["运营技能培训", "信息安全认证考试", "数据分析课程"],
        ["线上课程费用", "认证考试报名费", "培训教材"],
        (200, 2600),
    ),
    "marketing": (
        ["校园推广物料", "社群活动费用"],
        ["易拉宝与海报印刷", "活动场地租用", "推广小礼品"],
        (100, 700),
    ),
}
STATES = (
    [ClaimStatus.PAID] * 78
    + [ClaimStatus.APPROVED] * 24
    + [ClaimStatus.FINANCE_AUDIT] * 18
    + [ClaimStatus.IN_APPROVAL] * 32
    + [ClaimStatus.REJECTED] * 14
    + [ClaimStatus.WITHDRAWN] * 10
    + [ClaimStatus.DRAFT] * 24
)


def fake_pdf(text: str) -> bytes:
    """A small, valid one-page PDF whose content (and so its hash) is unique to ``text``."""
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def seed_claims() -> str:
    rng = random.Random(5021)
    today = timezone.localdate()
    staff = list(
        User.objects.filter(is_staff=True, is_active=True, staff_profile__isnull=False)
        .exclude(username__in=["admin", "executive"])
        .select_related("staff_profile__department")
        .order_by("username")
    )
    staff = [user for user in staff if has_model_permission(user, Claim, "add")]
    finance_officers = list(
        User.objects.filter(groups__name="finance_officer", is_active=True).order_by("username")
    )
    if not staff or not finance_officers:
        return "no staff"
    categories = {c.code: c for c in BudgetCategory.objects.filter(code__in=KINDS)}
    # WHITEWALL_DEMO_CLAIMS scales the demo down (the browser tests seed it for every test).
    wanted = int(os.environ.get("WHITEWALL_DEMO_CLAIMS") or len(STATES))
    step = max(1, round(len(STATES) / max(wanted, 1)))
    states = [state for kind in ClaimStatus.values for state in STATES if state == kind][::step]
    rng.shuffle(states)
    counts: dict[str, int] = {}
    invoice = 24_000_000 + rng.randint(0, 9999) * 100
    for index, target in enumerate(states):
        applicant = staff[index % len(staff)]
        code = rng.choice(["travel", "travel", "operating", "operating", "training", "marketing"])
        if code == "marketing" and applicant.staff_profile.department.code not in ("marketing", "operations"):
            code = "operating"
        purposes, descriptions, (low, high) = KINDS[code]
        # Finished claims lie further back; drafts and claims in flight are recent.
        back = (
            rng.randint(1, 40)
            if target in (ClaimStatus.DRAFT, ClaimStatus.IN_APPROVAL)
            else rng.randint(5, 300)
        )
        day = max(today - datetime.timedelta(days=back), datetime.date(today.year, 1, 2))
        claim = services.claim_save(
            actor=applicant, claim=Claim(applicant=applicant, purpose=rng.choice(purposes))
        )
        for line_no in range(rng.randint(1, 3)):
            invoice += rng.randint(1, 90)
            amount = Decimal(rng.randint(low * 100, high * 100)) / 100
            if code == "travel" and line_no == 0 and rng.random() < 0.08:
                amount = Decimal(rng.randint(2100, 2900))  # over the per-item standard: an exception
            line = ClaimLine(
                claim=claim,
                category=categories[code],
                date=day - datetime.timedelta(days=line_no),
                amount=amount.quantize(Decimal("0.01")),
                description=rng.choice(descriptions),
                invoice_number=f"{invoice:08d}",
            )
            exceeds, _note = services.line_standard(line)
            if exceeds:
                line.exception_reason = "旺季价格上浮，已事先报部门负责人同意"
            pdf = fake_pdf(f"Invoice {invoice:08d} amount {line.amount}")
            services.claim_line_save(
                actor=applicant,
                line=line,
                files=[SimpleUploadedFile(f"发票{invoice:08d}.pdf", pdf, content_type="application/pdf")],
            )
        _drive(claim, target, applicant, finance_officers, rng)
        claim.refresh_from_db()
        counts[claim.status] = counts.get(claim.status, 0) + 1
    _duplicate_receipt_caught(staff, finance_officers, categories, today)
    return f"{sum(counts.values()) + 1} claims ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})"


def _auditor_for(claim, finance_officers):
    return next(u for u in finance_officers if u.pk != claim.applicant_id)


def _drive(claim, target, applicant, finance_officers, rng) -> None:
    if target == ClaimStatus.DRAFT:
        return
    try:
        request, _warnings = services.claim_submit(actor=applicant, claim=claim)
    except ValidationError:
        return  # stopped by budget control, as the policy says: it stays a draft

    if target == ClaimStatus.IN_APPROVAL:
        # Leave it waiting at its first or a later tier, so that several inboxes have work.
        approve_all(request, upto=rng.choice([0, 0, 1, 2]))
        return
    if target == ClaimStatus.WITHDRAWN:
        services.claim_withdraw(actor=applicant, claim=claim, comment="发票抬头有误，撤回修改")
        return
    if target == ClaimStatus.REJECTED and rng.random() < 0.6:
        task = request.tasks.filter(
            round=request.round, tier_index=request.current_tier, status="pending"
        ).first()
        approval_decide(
            actor=task.assignee, request=request, decision="reject", comment="与本次出差审批不符，请核实"
        )
        return
    approve_all(request)
    request.refresh_from_db()
    if request.status != RequestStatus.APPROVED:
        return
    claim.refresh_from_db()
    if target == ClaimStatus.FINANCE_AUDIT:
        return
    auditor = _auditor_for(claim, finance_officers)
    if target == ClaimStatus.REJECTED:
        services.claim_audit(actor=auditor, claim=claim, approve=False, note="发票信息与报销内容不一致")
        return
    sanctions = {}
    line = claim.lines.first()
    if rng.random() < 0.12 and line.amount > 100:
        sanctions[line.pk] = (line.amount - Decimal("50.00"), "超出标准部分不予报销")
    services.claim_audit(actor=auditor, claim=claim, approve=True, sanctions=sanctions)
    if target == ClaimStatus.PAID:
        services.claim_pay(
            actor=auditor,
            claims=[claim],
            reference=f"ZF{timezone.localdate():%Y%m}{claim.pk:05d}",
            note="网银转账",
        )


def _duplicate_receipt_caught(staff, finance_officers, categories, today) -> None:
    """The same invoice scanned into a second claim under another number: the finance audit's
    content-hash check catches it and the claim is rejected."""
    first = ClaimLine.objects.filter(claim__status=ClaimStatus.PAID).select_related("claim").first()
    if first is None:
        return
    receipt = first.receipts.first()
    applicant = next(u for u in staff if u.pk != first.claim.applicant_id and u not in finance_officers)
    claim = services.claim_save(actor=applicant, claim=Claim(applicant=applicant, purpose="客户拜访交通费"))
    with receipt.file.open("rb") as handle:
        data = handle.read()
    services.claim_line_save(
        actor=applicant,
        line=ClaimLine(
            claim=claim,
            category=first.category,
            date=min(first.date, today),
            amount=first.amount,
            description=first.description,
            invoice_number=f"{first.invoice_number}-1",
        ),
        files=[SimpleUploadedFile("扫描件.pdf", data, content_type="application/pdf")],
    )
    request, _warnings = services.claim_submit(actor=applicant, claim=claim)
    approve_all(request)
    claim.refresh_from_db()
    if claim.status == ClaimStatus.FINANCE_AUDIT:
        services.claim_audit(
            actor=_auditor_for(claim, finance_officers),
            claim=claim,
            approve=False,
            note=f"重复报销：发票扫描件与 {first.claim.number} 相同",
        )
