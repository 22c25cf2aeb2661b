"""Purchases and cost analysis in the browser: a staff member requests a purchase (items, the live
budget check, submission); the finance officer reads the cost dashboard (ECharts under the CSP),
the monthly report, saving measures and the import page."""

from __future__ import annotations

import pytest

from ._support import (
    CHROMIUM,
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


@pytest.fixture(autouse=True)
def _default_categories(transactional_db):
    """The budget categories come from a data migration, which a transactional test's flush
    removes: put them back before the demo data is seeded."""
    from importlib import import_module

    from django.apps import apps

    import_module("whitewall.finance.migrations.0002_default_categories").seed(apps, None)


def test_a_staff_member_requests_a_purchase_with_the_live_budget_check(open_page, base_url, demo):
    from whitewall.finance.models import BudgetCategory, PurchaseRequest

    page, watch = open_page()
    submit_login(page, base_url, "operator", demo)
    goto(page, base_url, "/console/finance/purchases/add/")
    # A new request starts with the requester's department and today's date.
    assert page.locator("#id_department").input_value() and page.locator("#id_expected_date").input_value()
    page.fill("#id_title", "活动用补光灯")
    page.select_option("#id_category", str(BudgetCategory.objects.get(code="operating").pk))
    page.fill("#id_reason", "周末直播活动需要补光")
    rows = page.locator("#purchase-item-rows tr")
    rows.nth(0).locator('input[name="item_description"]').fill("补光灯")
    rows.nth(0).locator('input[name="item_quantity"]').fill("2")
    rows.nth(0).locator('input[name="item_unit_price"]').fill("420")
    page.locator("[data-add-item-row]").click()
    assert page.locator("#purchase-item-rows tr").count() == 4
    rows.nth(0).locator('input[name="item_unit_price"]').dispatch_event("change")
    # The fragment comes back complete (ok or a warning, per the demo ledger of the day).
    check = page.locator('#purchase-budget-check [data-testid="budget-check"] .fw-semibold')
    check.wait_for()
    assert "¥840.00" in check.inner_text()
    screenshot(page, "operator", "purchase-form")
    page.locator('[data-testid="save"]').click()
    page.wait_for_load_state("load")
    request = PurchaseRequest.objects.get(title="活动用补光灯")
    assert path_of(page.url) == request.get_absolute_url()
    page.locator('[data-testid="submit-purchase"]').click()
    page.wait_for_load_state("load")
    request.refresh_from_db()
    assert request.status == "submitted"
    screenshot(page, "operator", "purchase-submitted")
    watch.assert_clean("purchase request")


def test_the_finance_officer_reads_the_cost_pages(open_page, base_url, demo):
    from whitewall.finance.models import CostReport, PurchaseRequest, SavingMeasure

    page, watch = open_page()
    submit_login(page, base_url, "finance", demo)
    confirm_password_if_asked(page, demo, "finance")
    activate_totp(page, "finance")
    goto(page, base_url, "/console/finance/analysis/")
    page.locator("#cost-trend canvas").first.wait_for()
    page.locator("#cost-departments canvas").first.wait_for()
    assert page.locator('[data-testid="by-department"] tbody tr').count() >= 5
    screenshot(page, "finance", "cost-analysis")
    with page.expect_navigation():
        page.locator("#f-department").select_option(index=2)
    assert "department=" in page.url
    assert page.locator('[data-testid="by-department"] tbody tr').count() == 1
    report = CostReport.objects.filter(status="published").order_by("-month").first()
    goto(page, base_url, report.get_absolute_url())
    screenshot(page, "finance", "cost-report")
    goto(page, base_url, f"/console/finance/cost-reports/{report.pk}/print/")
    screenshot(page, "finance", "cost-report-print")
    goto(page, base_url, "/console/finance/saving-measures/")
    screenshot(page, "finance", "saving-measures")
    measure = SavingMeasure.objects.filter(status="active").first()
    goto(page, base_url, measure.get_absolute_url())
    assert page.locator('[data-testid="effect-months"] tbody tr').count() >= 3
    screenshot(page, "finance", "saving-measure")
    goto(page, base_url, "/console/finance/purchases/")
    screenshot(page, "finance", "purchases")
    received = PurchaseRequest.objects.get(status="received")
    goto(page, base_url, received.get_absolute_url())
    screenshot(page, "finance", "purchase-received")
    goto(page, base_url, "/console/finance/actuals/import/")
    screenshot(page, "finance", "actual-import")
    watch.assert_clean("cost pages")
