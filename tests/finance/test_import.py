"""Excel import of actual entries: all or nothing, errors naming the row and the column."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from tests.finance.costs_helpers import month_day, sign_in

from whitewall.finance import services
from whitewall.finance.models import ActualEntry, BudgetLine

pytestmark = pytest.mark.django_db

HEADER = ["department", "category", "date", "amount", "reference", "description"]


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_actual_entries_import_records_every_row_as_actual(org):
    org.budget("personnel", "600000")
    data = workbook(
        [
            ["operations", "personnel", month_day(org, 1, 31), 50000, "PAY-01", "一月工资"],
            ["运营部", "人员费用", f"{org.year.year}-02-28", "49,500.50", "PAY-02", "二月工资"],
        ]
    )
    result = services.actual_entries_import(actor=org.finance, data=data)
    assert result.ok and result.rows == 2 and result.total == Decimal("99500.50")
    line = BudgetLine.objects.get(department=org.department, category=org.category("personnel"))
    assert line.actual == Decimal("99500.50")
    assert ActualEntry.objects.filter(reference="PAY-02").get().date == datetime.date(org.year.year, 2, 28)


def test_actual_entries_import_is_all_or_nothing_and_names_row_and_column(org):
    data = workbook(
        [
            ["operations", "personnel", month_day(org, 1, 31), 50000, "PAY-01", "一月工资"],
            ["nowhere", "personnel", "2001-13-01", -5, "", ""],
            ["operations", "no-such", month_day(org, 2, 1), "abc", "", "x"],
        ]
    )
    result = services.actual_entries_import(actor=org.finance, data=data)
    assert not result.ok
    errors = {(row, column) for row, column, _message in result.errors}
    assert {
        (3, "department"),
        (3, "date"),
        (3, "amount"),
        (3, "description"),
        (4, "category"),
        (4, "amount"),
    } <= errors
    assert (2, "department") not in errors
    assert ActualEntry.objects.count() == 0
    assert not BudgetLine.objects.filter(actual__gt=0).exists()


def test_actual_entries_import_refuses_a_file_that_is_not_a_workbook_or_lacks_columns(org):
    with pytest.raises(ValidationError) as error:
        services.actual_entries_import(actor=org.finance, data=b"not a workbook")
    assert "file" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.actual_entries_import(actor=org.finance, data=workbook([["x"]], header=["department"]))
    assert "category" in error.value.message_dict["file"][0]


def test_actual_entries_import_needs_the_add_permission(org):
    with pytest.raises(PermissionDenied):
        services.actual_entries_import(actor=org.applicant, data=workbook([]))


def test_the_import_page_reports_problems_and_imports(client, org):
    org.budget("personnel", "600000")
    sign_in(client, org.finance)
    client.cookies["whitewall_language"] = "en"  # the messages below are checked in English
    assert client.get("/console/finance/actuals/import/").status_code == 200
    bad = SimpleUploadedFile("payroll.xlsx", workbook([["operations", "personnel", "bad", 1, "", "x"]]))
    response = client.post("/console/finance/actuals/import/", {"file": bad})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-testid="import-errors"' in body and "give a date as YYYY-MM-DD" in body
    good = SimpleUploadedFile(
        "payroll.xlsx", workbook([["operations", "personnel", month_day(org, 3, 31), 1000, "P3", "三月工资"]])
    )
    response = client.post("/console/finance/actuals/import/", {"file": good})
    assert response.status_code == 200 and 'data-testid="import-done"' in response.content.decode()
    assert ActualEntry.objects.count() == 1
