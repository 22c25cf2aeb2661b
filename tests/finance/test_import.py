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


def _payroll(org, months=3):
    return workbook(
        [
            [
                "operations",
                "personnel",
                month_day(org, month, 28),
                1000 * month,
                f"PAY-{month}",
                f"{month}月工资",
            ]
            for month in range(1, months + 1)
        ],
    )


def test_actual_entries_import_is_audited_as_one_batch_with_a_summary(org, monkeypatch):
    from whitewall.audit import services as audit
    from whitewall.audit.models import AuditEvent

    org.budget("personnel", "600000")
    appends = []
    original = audit.append

    def counting_append(events, using=None):
        appends.append(len(events))
        return original(events, using=using)

    monkeypatch.setattr(audit, "append", counting_append)
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    result = services.actual_entries_import(actor=org.finance, data=_payroll(org), name="工资.xlsx")
    assert result.ok and result.rows == 3
    events = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq"))
    assert appends == [len(events)]  # every event of the import joined the chain in one append
    created = [e for e in events if e.action == "create" and e.object_type == "finance.actualentry"]
    assert sorted(int(e.object_id) for e in created) == sorted(entry.pk for entry in result.entries)
    summary = [e for e in events if e.action == "import"]
    assert len(summary) == 1 and summary[0] is events[-1]
    assert summary[0].actor_id == org.finance.pk and summary[0].object_type == "finance.actualentry"
    assert summary[0].extra_data["file"] == "工资.xlsx" and summary[0].extra_data["rows"] == 3
    assert summary[0].extra_data["total"] == "6000.00"


def test_a_failed_import_leaves_no_rows_and_no_events(org, monkeypatch):
    from whitewall.audit.models import AuditEvent
    from whitewall.finance import control
    from whitewall.finance.models import Commitment

    org.budget("personnel", "600000")
    original = control.budget_record_actual
    calls = []

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise RuntimeError("the ledger went away")
        return original(**kwargs)

    monkeypatch.setattr(control, "budget_record_actual", failing)
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        services.actual_entries_import(actor=org.finance, data=_payroll(org), name="工资.xlsx")
    assert len(calls) == 3  # two rows were written before the failure
    assert ActualEntry.objects.count() == 0 and not Commitment.objects.exists()
    assert not BudgetLine.objects.filter(actual__gt=0).exists()
    assert AuditEvent.objects.count() == before


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
