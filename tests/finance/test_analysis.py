"""The cost analysis selectors, dashboard, export and API: figures from the ledger's running totals,
within the user's scope, in a constant number of queries."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from tests.finance.costs_helpers import month_day, sign_in

from whitewall.core.testing import api_rates
from whitewall.finance import analysis, control, services
from whitewall.finance.models import ActualEntry

pytestmark = pytest.mark.django_db


def _spend(org, category, month, amount, department=None):
    return services.actual_entry_save(
        actor=None,
        entry=ActualEntry(
            department=department or org.department,
            category=org.category(category),
            date=month_day(org, month),
            amount=Decimal(amount),
            description="合同付款",
        ),
    )


def _ledger(org):
    org.budget("travel", "12000")  # 1,000 a month
    org.budget("operating", "24000")  # 2,000 a month
    org.budget("operating", "6000", department=org.other_department)
    _spend(org, "travel", 1, "1500")
    _spend(org, "travel", 2, "300")
    _spend(org, "operating", 1, "2500")
    _spend(org, "operating", 2, "400", department=org.other_department)
    control.budget_commit(
        actor=None,
        document=org.applicant,
        line_key="x",
        department=org.department,
        category=org.category("operating"),
        on=month_day(org, 3),
        amount="700",
    )


def test_cost_analysis_folds_departments_categories_months_and_variance(org):
    _ledger(org)
    figures = analysis.cost_analysis(None, analysis.Filters(fiscal_year=org.year, upto=2))
    totals = figures["totals"]
    assert totals["budget"] == Decimal("42000.00")
    assert totals["actual"] == Decimal("4700.00") and totals["committed"] == Decimal("700.00")
    assert totals["budget_to_date"] == Decimal("7000.00")  # (1,000 + 2,000 + 500) × 2
    assert totals["variance"] == Decimal("4700.00") - Decimal("7000.00")
    assert totals["execution_rate"] == pytest.approx(11.2)
    by_department = {row["name"]: row for row in figures["departments"]}
    ops = by_department[org.department.name]
    assert ops["actual"] == Decimal("4300.00") and ops["budget"] == Decimal("36000.00")
    assert ops["links"]["commitments"].endswith(f"?department={org.department.pk}")
    by_category = {row["name"]: row for row in figures["categories"]}
    assert by_category[org.category("operating").name]["actual"] == Decimal("2900.00")
    assert [m["actual"] for m in figures["trend"][:3]] == [
        Decimal("4000.00"),
        Decimal("700.00"),
        Decimal("0.00"),
    ]
    assert figures["trend"][2]["committed"] == Decimal("700.00")
    assert figures["trend"][1]["cumulative_actual"] == Decimal("4700.00")
    top = figures["top_spenders"][0]
    assert (top["department"], top["category"], top["actual"]) == (
        org.department.name,
        org.category("operating").name,
        Decimal("2500.00"),
    )
    # Travel spent 1,800 against 2,000 to date (under); operating 2,500 against 4,000 (under).
    assert figures["overruns"] == []
    one_month = analysis.cost_analysis(None, analysis.Filters(fiscal_year=org.year, upto=1))
    assert {(d["category"], d["variance"]) for d in one_month["overruns"]} == {
        (org.category("travel").name, Decimal("500.00")),
        (org.category("operating").name, Decimal("500.00")),
    }


def test_cost_analysis_filters_by_department_and_category(org):
    _ledger(org)
    filters = analysis.Filters(
        fiscal_year=org.year, department_id=org.other_department.pk, category_id=org.category("operating").pk
    )
    figures = analysis.cost_analysis(None, filters)
    assert figures["totals"]["actual"] == Decimal("400.00")
    assert [row["name"] for row in figures["departments"]] == [org.other_department.name]


def test_a_department_head_sees_only_their_department(org):
    _ledger(org)
    figures = analysis.cost_analysis(org.head, analysis.Filters(fiscal_year=org.year))
    assert [row["name"] for row in figures["departments"]] == [org.department.name]
    assert figures["totals"]["actual"] == Decimal("4300.00")


def test_the_query_count_does_not_grow_with_the_documents(org):
    _ledger(org)
    filters = analysis.Filters(fiscal_year=org.year, upto=3)
    analysis.cost_analysis(org.finance, filters)  # the user's permissions are cached after this
    with CaptureQueriesContext(connection) as few:
        analysis.cost_analysis(org.finance, filters)
    for index in range(30):
        _spend(org, "travel", 1 + index % 12, "10")
        _spend(org, "operating", 1 + index % 12, "10", department=org.other_department)
    with CaptureQueriesContext(connection) as many:
        analysis.cost_analysis(org.finance, filters)
    assert len(many) == len(few) <= 4


def test_filters_from_ignores_malformed_values(org):
    filters = analysis.filters_from({"fiscal_year": "abc", "department": "1;drop", "upto": "99"})
    assert filters.fiscal_year == org.year and filters.department_id is None
    assert filters.upto == org.year.month_of(org.today)


def test_the_dashboard_page_export_and_api(client, org):
    _ledger(org)
    sign_in(client, org.finance)
    page = client.get("/console/finance/analysis/", {"fiscal_year": org.year.pk, "upto": 2})
    body = page.content.decode()
    assert page.status_code == 200
    assert "¥4,700.00" in body and 'id="cost-analysis-data"' in body
    assert "/console/finance/purchases/?department=" in body  # drill-down to the documents
    export = client.get("/console/finance/analysis/", {"fiscal_year": org.year.pk, "export": "xlsx"})
    workbook = load_workbook(io.BytesIO(export.content))
    assert len(workbook.sheetnames) == 5
    departments = workbook.worksheets[0]
    assert departments.cell(row=departments.max_row, column=4).value == 4700
    with api_rates():
        data = client.get("/api/v1/finance/analysis/", {"fiscal_year": org.year.pk}).json()
    assert data["totals"]["actual"] == "4700.00" and len(data["trend"]) == 12


def test_the_dashboard_needs_the_ledger_permission(client, org):
    sign_in(client, org.applicant)
    assert client.get("/console/finance/analysis/").status_code == 403
    with api_rates():
        assert client.get("/api/v1/finance/analysis/").status_code == 403


def test_the_dashboard_without_any_fiscal_year_still_answers(client, org):
    org.year.delete()
    sign_in(client, org.finance)
    response = client.get("/console/finance/analysis/")
    assert response.status_code == 200


def test_the_dashboard_query_count_has_a_baseline(client, org):
    from whitewall.core.testing.queries import assert_query_baseline

    _ledger(org)
    sign_in(client, org.finance)
    client.get("/console/finance/analysis/")
    response = assert_query_baseline(
        "finance.analysis.dashboard", lambda: client.get("/console/finance/analysis/")
    )
    assert response.status_code == 200


def test_the_console_home_card(client, org):
    _ledger(org)
    sign_in(client, org.finance)
    body = client.get("/console/").content.decode()
    assert "/console/finance/analysis/" in body and "¥4,700.00" in body
    sign_in(client, org.applicant)
    assert "/console/finance/analysis/" not in client.get("/console/").content.decode()
