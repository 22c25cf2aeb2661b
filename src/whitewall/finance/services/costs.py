"""Monthly cost reports, saving measures and the Excel import of actual entries."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from whitewall.accounts.models import Department
from whitewall.audit import services as audit
from whitewall.config.policy import get_policy
from whitewall.finance import analysis
from whitewall.finance.models import (
    CENT,
    ActualEntry,
    BudgetCategory,
    CostReport,
    CostReportStatus,
    FiscalYear,
    SavingMeasure,
)
from whitewall.finance.services.budgets import _post_actual_entry, _require

__all__ = [
    "ImportResult",
    "actual_entries_import",
    "cost_report_generate",
    "cost_report_publish",
    "cost_report_refresh",
    "cost_report_save",
    "previous_month",
    "saving_measure_save",
]

COST_REPORT_PUBLISHED = "finance.cost_report_published"


def previous_month(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return analysis.add_months(today.replace(day=1), -1)


# --- monthly cost reports -------------------------------------------------------------------------
def cost_report_generate(*, month: datetime.date | None = None, actor=None) -> tuple[CostReport, bool]:
    """Create the report of ``month`` (default: last month) with its frozen figures, once.

    Idempotent: the month is unique, so a second run (or a second consumer) finds the report and
    creates nothing. Returns the report and whether it was created now.
    """
    month = (month or previous_month()).replace(day=1)
    if actor is not None:
        _require(actor, CostReport, "add")
    existing = CostReport.objects.filter(month=month).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = CostReport.objects.create(
                month=month,
                snapshot=analysis.report_figures(month),
                generated_at=timezone.now(),
                prepared_by=actor,
            )
    except IntegrityError:
        return CostReport.objects.get(month=month), False
    return report, True


def _draft(actor, report: CostReport, action: str = "change") -> CostReport:
    _require(actor, report, action)
    report = CostReport.objects.select_for_update().get(pk=report.pk)
    if report.status != CostReportStatus.DRAFT:
        raise ValidationError(_("The report is published; its figures and text are final."))
    return report


@transaction.atomic
def cost_report_refresh(*, actor, report: CostReport) -> CostReport:
    """Take the figures again (a draft only: late entries for the month may have arrived)."""
    report = _draft(actor, report)
    report.snapshot = analysis.report_figures(report.month)
    report.generated_at = timezone.now()
    report.save(update_fields=["snapshot", "generated_at", "updated"])
    return report


@transaction.atomic
def cost_report_save(*, actor, report: CostReport) -> CostReport:
    """Write the finance officer's summary, findings and actions on a draft report (a new report
    made by hand gets its figures taken now)."""
    if report.pk is None:
        _require(actor, CostReport, "add")
        report.full_clean()
        if CostReport.objects.filter(month=report.month).exists():
            raise ValidationError({"month": _("There is already a report for this month.")})
        report.snapshot = analysis.report_figures(report.month)
        report.generated_at = timezone.now()
        if report.prepared_by_id is None:
            report.prepared_by = actor
        report.save()
        return report
    current = _draft(actor, report)
    report.month = current.month
    report.status = current.status
    report.full_clean()
    if actor is not None and report.prepared_by_id is None:
        report.prepared_by = actor
    report.save(update_fields=["summary", "findings", "actions", "prepared_by", "updated"])
    return report


@transaction.atomic
def cost_report_publish(*, actor, report: CostReport) -> CostReport:
    """Publish a report with its findings and actions; executives and department heads are told."""
    report = _draft(actor, report, "change")
    errors = {}
    if not report.findings.strip():
        errors["findings"] = _("Write the findings before publishing.")
    if not report.actions.strip():
        errors["actions"] = _("Write the actions before publishing.")
    if errors:
        raise ValidationError(errors)
    report.status = CostReportStatus.PUBLISHED
    report.published_at = timezone.now()
    report.published_by = actor
    report.save(update_fields=["status", "published_at", "published_by", "updated"])
    roles = get_policy().costs.report_notify_roles
    recipients = list(
        get_user_model().objects.filter(is_active=True, groups__name__in=roles).distinct().order_by("pk")
    )
    report_id = report.pk

    def tell():
        from whitewall.notifications.services import notify

        published = CostReport.objects.get(pk=report_id)
        notify(
            recipients=recipients,
            kind=COST_REPORT_PUBLISHED,
            title=_("%(report)s is published") % {"report": published},
            body=published.summary or published.findings[:300],
            obj=published,
        )

    transaction.on_commit(tell)
    return report


# --- saving measures ------------------------------------------------------------------------------
@transaction.atomic
def saving_measure_save(*, actor, measure: SavingMeasure) -> SavingMeasure:
    _require(actor, SavingMeasure, "add" if measure.pk is None else "change")
    if measure.pk is not None:
        _require(actor, measure, "change")
    measure.full_clean()
    measure.save()
    return measure


# --- Excel import of actual entries ---------------------------------------------------------------
COLUMNS = {
    "department": gettext_lazy("department"),
    "category": gettext_lazy("category"),
    "date": gettext_lazy("date"),
    "amount": gettext_lazy("amount"),
    "reference": gettext_lazy("reference"),
    "description": gettext_lazy("description"),
}
REQUIRED = ("department", "category", "date", "amount", "description")
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class ImportResult:
    rows: int = 0
    total: Decimal = Decimal("0")
    entries: list = field(default_factory=list)
    # (row number, column label, message); empty when the import went through.
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _header_key(value) -> str | None:
    text = str(value or "").strip().lower()
    for key, label in COLUMNS.items():
        if text in (key, str(label).lower(), _COLUMN_ALIASES.get(key, "")):
            return key
    for key, aliases in _ZH_ALIASES.items():
        if text in aliases:
            return key
    return None


_COLUMN_ALIASES = {"department": "dept", "description": "desc", "reference": "ref"}
# Headers people type in Chinese spreadsheets, whatever the interface language.
_ZH_ALIASES = {
    "department": ("部门", "部门编码", "部门名称"),
    "category": ("类别", "预算类别", "费用类别", "科目"),
    "date": ("日期", "发生日期"),
    "amount": ("金额", "金额（元）", "金额(元)"),
    "reference": ("凭证号", "编号", "参考号", "单据号"),
    "description": ("说明", "摘要", "描述"),
}


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _amount(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).replace(",", "").replace("¥", "").replace("￥", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return number.quantize(CENT)


def _read_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError({"file": _("The file is not an Excel workbook (.xlsx).")})
    sheet = workbook.worksheets[0]
    return list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))


@transaction.atomic
def actual_entries_import(*, actor, data: bytes, name: str = "") -> ImportResult:
    """Import actual entries (payroll totals, contracts) from the first sheet of an .xlsx file.

    The first row names the columns: department (code or name), category (code or name), date,
    amount, reference (optional), description. Every row is validated first; any error names its
    row and column and nothing is written (all or nothing). Each entry reaches the ledger's actual
    column through ``budget_record_actual``. The rows' audit events join the chain together, in
    the transaction that writes the rows, followed by one event for the import itself (file
    name, row count, total); a failed import leaves neither rows nor events.
    """
    _require(actor, ActualEntry, "add")
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 5 MB.")})
    rows = _read_rows(data)
    result = ImportResult()
    if not rows:
        raise ValidationError({"file": _("The workbook is empty.")})
    header = [_header_key(cell) for cell in rows[0]]
    missing = [str(COLUMNS[key]) for key in REQUIRED if key not in header]
    if missing:
        raise ValidationError(
            {
                "file": _("The first row must name the columns; missing: %(columns)s.")
                % {"columns": ", ".join(missing)}
            }
        )
    if len(rows) > MAX_ROWS + 1:
        raise ValidationError({"file": _("At most %(max)s rows per import.") % {"max": MAX_ROWS}})
    index = {key: header.index(key) for key in COLUMNS if key in header}
    departments = {}
    for department in Department.objects.all():
        departments[department.code.lower()] = department
        departments[department.name.lower()] = department
    categories = {}
    for category in BudgetCategory.objects.all():
        categories[category.code.lower()] = category
        categories[category.name.lower()] = category
    years = list(FiscalYear.objects.all())
    entries = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {key: (row[i] if i < len(row) else None) for key, i in index.items()}
        if all(value in (None, "") for value in cells.values()):
            continue
        result.rows += 1

        def error(key, message, number=number):
            result.errors.append((number, str(COLUMNS[key]), str(message)))

        department = departments.get(str(cells.get("department") or "").strip().lower())
        if department is None:
            error("department", _("no department with this code or name"))
        category = categories.get(str(cells.get("category") or "").strip().lower())
        if category is None:
            error("category", _("no budget category with this code or name"))
        elif not category.is_active:
            error("category", _("the category is not active"))
        on = _date(cells.get("date"))
        if on is None:
            error("date", _("give a date as YYYY-MM-DD"))
        elif not any(y.start_date <= on <= y.end_date for y in years):
            error("date", _("no fiscal year covers this date"))
        elif any(y.start_date <= on <= y.end_date and y.is_closed for y in years):
            error("date", _("the fiscal year of this date is closed"))
        amount = _amount(cells.get("amount"))
        if amount is None:
            error("amount", _("give the amount as a number"))
        elif amount <= 0:
            error("amount", _("the amount must be greater than zero"))
        elif amount >= Decimal("1e12"):
            error("amount", _("the amount is too large"))
        description = str(cells.get("description") or "").strip()
        if not description:
            error("description", _("describe the spending"))
        elif len(description) > 300:
            error("description", _("at most 300 characters"))
        reference = str(cells.get("reference") or "").strip()
        if len(reference) > 100:
            error("reference", _("at most 100 characters"))
        if result.errors and result.errors[-1][0] == number:
            continue
        entries.append(
            ActualEntry(
                department=department,
                category=category,
                date=on,
                amount=amount,
                description=description,
                reference=reference,
            )
        )
    if not result.rows:
        raise ValidationError({"file": _("The workbook has no data rows under its header.")})
    if result.errors:
        return result
    with audit.batch():
        for entry in entries:
            _post_actual_entry(actor, entry)
            result.total += entry.amount
        audit.record(
            action="import",
            actor=actor,
            object_type=audit.object_type_of(ActualEntry),
            object_repr=str(ActualEntry._meta.verbose_name_plural),
            extra={
                "file": (name or "")[:200],
                "rows": len(entries),
                "total": result.total,
                "entries": [entry.pk for entry in entries],
            },
        )
    result.entries = entries
    return result
