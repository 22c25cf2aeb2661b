"""A reimbursement claim in the browser: drafted with the live budget check, blocked or warned as
the policy says, submitted, approved by the department head, audited and paid by finance, printed."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest

from ._support import (
    CHROMIUM,
    TOTP_ACTIVATE_PATH,
    activate_totp,
    confirm_password_if_asked,
    goto,
    path_of,
    screenshot,
    submit_login,
)

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is not installed; the browser suite needs Debian's chromium", allow_module_level=True
    )

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _expense_date() -> datetime.date:
    """The claim lines' date: today, or in December the last day of November, so that the budget
    accumulated up to the line's month leaves out December's (see ``_small_travel_budget``)."""
    today = datetime.date.today()
    return today if today.month < 12 else today.replace(day=1) - datetime.timedelta(days=1)


def _small_travel_budget():
    """Operations' travel line: 2,400 left this year, all of it in December, so that the policy's
    annual stop and its monthly warning (for a line dated before December) both show."""
    from whitewall.finance.models import BudgetLine, BudgetLineMonth

    line = BudgetLine.objects.get(
        fiscal_year__year=datetime.date.today().year, department__code="operations", category__code="travel"
    )
    used = line.committed + line.actual
    BudgetLine.objects.filter(pk=line.pk).update(budget=used + Decimal("2400"))
    months = list(BudgetLineMonth.objects.filter(line=line).order_by("month"))
    for month in months:
        month.budget = month.committed + month.actual + (Decimal("2400") if month.month == 12 else 0)
        month.save(update_fields=["budget"])
    return line


def _pdf(tmp_path, name, text):
    from whitewall.finance.demo_claims import fake_pdf

    path = tmp_path / name
    path.write_bytes(fake_pdf(text))
    return path


def _fill_line(page, *, amount, invoice, receipt=None):
    page.select_option("#id_category", label="差旅费用")
    page.fill("#id_date", _expense_date().isoformat())
    page.fill("#id_description", "上海客户拜访高铁票")
    page.fill("#id_invoice_number", invoice)
    page.fill("#id_amount", amount)
    if receipt is not None:
        page.set_input_files("#id_receipts", str(receipt))


def _check_action(page) -> str:
    box = page.locator('[data-testid="budget-check"] [data-action]')
    box.first.wait_for()
    return box.first.get_attribute("data-action")


def test_claim_from_draft_to_paid(open_page, base_url, demo, tmp_path):
    _small_travel_budget()
    page, watch = open_page()
    submit_login(page, base_url, "operator", demo)

    # A new claim (in the applicant's own name), then a line.
    goto(page, base_url, "/console/finance/claims/add/")
    page.fill("#id_purpose", "上海客户拜访")
    page.click('[data-testid="save"]')
    assert re.search(r"/console/finance/claims/\d+/$", page.url)
    claim_url = path_of(page.url)
    page.click('[data-testid="add-line"]')

    # The live check follows the amount as it is typed: 3,000 > 2,400 left this year → stop.
    _fill_line(page, amount="3000", invoice="E2E-0001", receipt=_pdf(tmp_path, "发票1.pdf", "e2e-1"))
    page.wait_for_function(
        '() => document.querySelector(\'[data-testid="budget-check"] [data-action="stop"]\') !== null'
    )
    screenshot(page, "operator", "claim-line-stop")
    # Over the per-item standard too: without an exception reason the line is refused, naming the field.
    page.click('[data-testid="save"]')
    assert page.locator('[data-field="exception_reason"]').count() == 1
    screenshot(page, "operator", "claim-line-refused")

    # 300 is within the year but over what has accumulated up to this month: travel warns
    # (monthly = warn in the policy).
    page.fill("#id_exception_reason", "")
    page.fill("#id_amount", "300")
    page.set_input_files("#id_receipts", str(_pdf(tmp_path, "发票1.pdf", "e2e-1")))
    page.wait_for_function(
        '() => document.querySelector(\'[data-testid="budget-check"] [data-action="warn"]\') !== null'
    )
    page.click('[data-testid="save"]')
    assert path_of(page.url) == claim_url
    assert "¥300.00" in page.locator('[data-testid="claim-total"]').inner_text()

    # Submit: the budget is committed with the warning, the claim waits for the department head.
    page.click('[data-testid="submit-claim"]')
    assert page.locator(".alert-warning").count() >= 1
    assert "审批中" in page.content() or "In approval" in page.content()
    screenshot(page, "operator", "claim-submitted")
    watch.assert_clean("operator's claim", allow_status=422)

    # The department head (operations: 林晓雯, ops_manager) approves from the approval page.
    from whitewall.finance.models import Claim

    claim = Claim.objects.get(pk=int(claim_url.rstrip("/").rsplit("/", 1)[1]))
    request_url = f"/console/approvals/requests/{claim.approval_request.pk}/"
    head, head_watch = open_page()
    submit_login(head, base_url, "ops_manager", demo)
    goto(head, base_url, request_url)
    head.check('input[name="decision"][value="approve"]')
    head.locator('[data-testid="decision-form"] button[type="submit"]').click()
    head.wait_for_load_state("load")
    head_watch.assert_clean("department head's approval")
    claim.refresh_from_db()
    assert claim.status == "finance_audit"

    # Finance (two-factor set up on first login) audits and pays.
    finance, finance_watch = open_page()
    submit_login(finance, base_url, "finance", demo)
    confirm_password_if_asked(finance, demo)
    if path_of(finance.url).startswith(TOTP_ACTIVATE_PATH):
        activate_totp(finance)
    goto(finance, base_url, claim_url)
    checklist = finance.locator('[data-testid="checklist"] li')
    assert checklist.count() == 5
    assert finance.locator('[data-testid="checklist"] [data-ok="false"]').count() == 0
    screenshot(finance, "finance", "claim-audit")
    finance.click('[data-testid="audit-approve"]')
    finance.wait_for_load_state("load")
    finance.fill("#pay-reference", "ZF-E2E-0001")
    finance.click('[data-testid="pay-claim"]')
    finance.wait_for_load_state("load")
    claim.refresh_from_db()
    assert claim.status == "paid"
    finance_watch.assert_clean("finance audit and payment")

    # The applicant follows the timeline and prints the form with the amount in words.
    goto(page, base_url, claim_url)
    events = page.locator('[data-testid="claim-events"]').inner_text()
    assert "ZF-E2E-0001" in events
    goto(page, base_url, claim_url + "print/")
    assert page.locator('[data-testid="amount-in-words"]').inner_text().strip() == "叁佰元整"
    screenshot(page, "operator", "claim-print")
    watch.assert_clean("claim timeline and form")


def test_duplicate_invoice_is_refused_in_the_form(open_page, base_url, demo, tmp_path):
    from whitewall.finance.models import ClaimLine

    taken = ClaimLine.objects.exclude(invoice_number="").first().invoice_number
    page, watch = open_page()
    submit_login(page, base_url, "operator", demo)
    goto(page, base_url, "/console/finance/claims/add/")
    page.fill("#id_purpose", "重复发票测试")
    page.click('[data-testid="save"]')
    page.click('[data-testid="add-line"]')
    _fill_line(page, amount="50", invoice=taken, receipt=_pdf(tmp_path, "dup.pdf", "dup"))
    page.click('[data-testid="save"]')
    error = page.locator('[data-field="invoice_number"]')
    assert error.count() == 1 and "BX" in page.content()
    watch.assert_clean("duplicate invoice refused", allow_status=422)
