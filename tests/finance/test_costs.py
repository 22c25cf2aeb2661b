"""Monthly cost reports (the periodic job, frozen figures, publishing), saving measures and their
measured effect, and the 5.3.1 / 5.3.2 checks."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from tests.finance.costs_helpers import month_day, sign_in

from whitewall.core.jobs import get_periodic
from whitewall.finance import analysis, services
from whitewall.finance.checks_costs import (
    monthly_cost_analysis_published,
    saving_measures_with_measured_effect,
)
from whitewall.finance.models import ActualEntry, CostReport, CostReportStatus, SavingMeasure, SavingStatus
from whitewall.notifications.models import Notification
from whitewall.regulation.checks import Status

pytestmark = pytest.mark.django_db


def _spend(org, category, on, amount, department=None):
    services.actual_entry_save(
        actor=None,
        entry=ActualEntry(
            department=department or org.department,
            category=org.category(category),
            date=on,
            amount=Decimal(amount),
            description="服务合同",
        ),
    )


# --- cost_report_generate and the monthly job ------------------------------------------------------
def test_cost_report_generate_freezes_the_figures_once_per_month(org):
    org.budget("operating", "24000")
    _spend(org, "operating", month_day(org, 1), "2500")
    january = month_day(org, 1, 1)
    report, created = services.cost_report_generate(month=january)
    assert created and report.month == january
    assert report.snapshot["month_actual"] == "2500.00" and report.snapshot["month_budget"] == "2000.00"
    assert report.snapshot["departments"][0]["name"] == org.department.name
    _spend(org, "operating", month_day(org, 1, 20), "100")
    again, created = services.cost_report_generate(month=january)
    assert not created and again.pk == report.pk
    again.refresh_from_db()
    assert again.snapshot["month_actual"] == "2500.00"  # frozen
    refreshed = services.cost_report_refresh(actor=org.finance, report=again)
    assert refreshed.snapshot["month_actual"] == "2600.00"
    assert CostReport.objects.count() == 1


def test_the_monthly_job_creates_last_months_report_exactly_once(org):
    spec = get_periodic("finance.cost_report_monthly")
    assert spec is not None and spec.schedule["day"] == "1"
    first = spec.task.function()
    second = spec.task.function()
    assert first["created"] is True and second["created"] is False
    assert first["report"] == second["report"]
    assert CostReport.objects.get().month == services.previous_month()


def test_cost_report_publish_needs_findings_and_actions_and_tells_executives_and_heads(
    org, django_capture_on_commit_callbacks
):
    report, _created = services.cost_report_generate(month=month_day(org, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.cost_report_publish(actor=org.finance, report=report)
    assert {"findings", "actions"} <= set(error.value.message_dict)
    report.findings, report.actions = "运营费用偏高", "复核打印外包合同"
    services.cost_report_save(actor=org.finance, report=report)
    with django_capture_on_commit_callbacks(execute=True):
        services.cost_report_publish(actor=org.finance, report=report)
    report.refresh_from_db()
    assert report.status == CostReportStatus.PUBLISHED and report.published_by == org.finance
    told = set(
        Notification.objects.filter(kind="finance.cost_report_published").values_list("recipient", flat=True)
    )
    assert {org.executive.pk, org.head.pk} <= told and org.applicant.pk not in told
    with pytest.raises(ValidationError):
        services.cost_report_save(actor=org.finance, report=report)


def test_a_department_head_reads_only_published_reports(org):
    draft, _ = services.cost_report_generate(month=month_day(org, 1, 1))
    published, _ = services.cost_report_generate(month=month_day(org, 2, 1))
    CostReport.objects.filter(pk=published.pk).update(status=CostReportStatus.PUBLISHED)
    visible = set(CostReport.objects.restrict(org.head, "view").values_list("pk", flat=True))
    assert visible == {published.pk}
    assert CostReport.objects.restrict(org.head, "change").count() == 0


def test_report_pages_detail_print_publish(client, org):
    report, _ = services.cost_report_generate(month=month_day(org, 1, 1))
    sign_in(client, org.finance)
    assert client.get(report.get_absolute_url()).status_code == 200
    printable = client.get(f"/console/finance/cost-reports/{report.pk}/print/")
    assert printable.status_code == 200 and "data-print" in printable.content.decode()
    edit = client.post(
        f"/console/finance/cost-reports/{report.pk}/edit/",
        {"summary": "总体可控", "findings": "差旅超支", "actions": "收紧审批"},
    )
    assert edit.status_code == 302
    client.post(f"/console/finance/cost-reports/{report.pk}/publish/")
    report.refresh_from_db()
    assert report.status == CostReportStatus.PUBLISHED
    assert client.get(f"/console/finance/cost-reports/{report.pk}/edit/").status_code == 404


# --- saving measures -------------------------------------------------------------------------------
def _measure(org, start, end, target="300", status=SavingStatus.ACTIVE):
    return services.saving_measure_save(
        actor=org.finance,
        measure=SavingMeasure(
            title="集中采购",
            owner=org.head,
            department=org.department,
            category=org.category("operating"),
            baseline=Decimal("1000"),
            target_saving=Decimal(target),
            start_date=start,
            end_date=end,
            status=status,
        ),
    )


def test_measure_effects_compare_the_average_before_and_during(org):
    org.budget("operating", "24000")
    for month, amount in ((1, "1000"), (2, "1100"), (3, "900"), (4, "600"), (5, "700")):
        _spend(org, "operating", month_day(org, month), amount)
    measure = _measure(org, month_day(org, 4, 1), month_day(org, 9, 30))
    today = month_day(org, 6, 10)  # April and May are complete
    effect = analysis.measure_effects([measure], today=today)[measure.pk]
    assert effect["measured_baseline"] == Decimal("1000.00")
    assert effect["period_average"] == Decimal("650.00")
    assert effect["effect"] == Decimal("350.00") and effect["state"] == "met"
    assert effect["total_saving"] == Decimal("700.00")
    assert [m["month"] for m in effect["baseline_months"]] == [
        f"{org.year.year}-01",
        f"{org.year.year}-02",
        f"{org.year.year}-03",
    ]
    missed = _measure(org, month_day(org, 4, 1), month_day(org, 9, 30), target="400")
    assert analysis.measure_effects([missed], today=today)[missed.pk]["state"] == "missed"
    future = _measure(org, month_day(org, 6, 1), month_day(org, 9, 30))
    assert analysis.measure_effects([future], today=today)[future.pk]["state"] == "pending"


def test_saving_measure_save_validates_period_and_target(org):
    with pytest.raises(ValidationError) as error:
        _measure(org, month_day(org, 5, 1), month_day(org, 4, 1))
    assert "end_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _measure(org, month_day(org, 4, 1), month_day(org, 5, 1), target="2000")
    assert "target_saving" in error.value.message_dict


def test_the_measure_page_shows_the_numbers_used(client, org):
    org.budget("operating", "24000")
    _spend(org, "operating", month_day(org, 1), "1234.56")
    measure = _measure(org, month_day(org, 2, 1), month_day(org, 12, 31))
    sign_in(client, org.finance)
    body = client.get(measure.get_absolute_url()).content.decode()
    assert 'data-testid="measured-effect"' in body and "¥1,234.56" in body
    listing = client.get("/console/finance/saving-measures/").content.decode()
    assert measure.title in listing


# --- checks ----------------------------------------------------------------------------------------
def _at(day):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def test_check_5_3_1_red_amber_green(org):
    org.budget("operating", "24000")
    today = month_day(org, 3, 20)
    with _at(today):
        assert monthly_cost_analysis_published().status == Status.RED
    with _at(month_day(org, 3, 5)):
        result = monthly_cost_analysis_published()
        assert result.status == Status.AMBER and "day 10" in result.explanation
    report, _ = services.cost_report_generate(month=month_day(org, 2, 1))
    report.findings, report.actions = "a", "b"
    services.cost_report_save(actor=None, report=report)
    services.cost_report_publish(actor=org.finance, report=report)
    with _at(today):
        result = monthly_cost_analysis_published()
    assert result.status == Status.GREEN and result.figures["month"].endswith("-02")


def test_check_5_3_2_needs_measured_effects_on_target(org):
    assert saving_measures_with_measured_effect().status == Status.RED
    org.budget("operating", "24000")
    for month, amount in ((1, "1000"), (2, "1000"), (3, "1000"), (4, "600")):
        _spend(org, "operating", month_day(org, month), amount)
    measure = _measure(org, month_day(org, 4, 1), month_day(org, 12, 31), target="300")
    with _at(month_day(org, 4, 20)):
        assert saving_measures_with_measured_effect().status == Status.AMBER  # no complete month yet
    with _at(month_day(org, 5, 20)):
        assert saving_measures_with_measured_effect().status == Status.GREEN
    measure.target_saving = Decimal("500")
    measure.save()
    with _at(month_day(org, 5, 20)):
        result = saving_measures_with_measured_effect()
    assert result.status == Status.AMBER and result.figures["targets_missed"] == 1


def test_report_figures_without_a_fiscal_year(org):
    assert analysis.report_figures(datetime.date(1999, 1, 1))["fiscal_year"] is None
