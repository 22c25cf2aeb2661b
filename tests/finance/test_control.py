"""The control ledger: budget_check, budget_commit, budget_release, budget_actualize."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from whitewall.finance import control
from whitewall.finance.models import BudgetLine, BudgetLineMonth, Commitment, CommitmentStatus

pytestmark = pytest.mark.django_db


def line_of(org, category="travel", department=None):
    return BudgetLine.objects.get(
        fiscal_year=org.year, department=department or org.department, category=org.category(category)
    )


def jan(org, day=10):
    return datetime.date(org.year.year, 1, day)


def commit(org, document, amount, *, key="1", category="travel", on=None, **kwargs):
    return control.budget_commit(
        actor=org.applicant,
        document=document,
        line_key=key,
        department=org.department,
        category=org.category(category),
        on=on or jan(org),
        amount=Decimal(amount),
        **kwargs,
    )


# --- budget_check ---------------------------------------------------------------------------------
def test_budget_check_within_budget_is_ok_and_reports_remaining(org):
    org.budget("travel", "12000")  # 1,000 a month
    check = control.budget_check(
        department=org.department, category=org.category("travel"), on=jan(org), amount=Decimal("800")
    )
    assert check.action == "ok"
    assert check.annual_remaining == Decimal("12000.00")
    assert check.monthly_remaining == Decimal("1000.00")
    assert check.month == 1


def test_budget_check_over_the_accumulated_month_warns_as_the_policy_says(org):
    org.budget("travel", "12000")  # travel: annual stop, monthly warn
    check = control.budget_check(
        department=org.department, category=org.category("travel"), on=jan(org), amount=Decimal("1500")
    )
    assert check.action == "warn"
    assert check.rule == "monthly"
    # In March three months have accumulated: 1,500 fits.
    march = control.budget_check(
        department=org.department,
        category=org.category("travel"),
        on=datetime.date(org.year.year, 3, 1),
        amount=Decimal("1500"),
    )
    assert march.action == "ok"


def test_budget_check_over_the_annual_budget_stops(org):
    org.budget("travel", "12000")
    check = control.budget_check(
        department=org.department, category=org.category("travel"), on=jan(org), amount=Decimal("12000.01")
    )
    assert check.action == "stop"
    assert check.rule == "annual"
    assert "remaining annual budget" in check.message


def test_budget_check_marketing_stops_on_the_monthly_budget(org):
    org.budget("marketing", "12000")  # marketing: monthly stop
    check = control.budget_check(
        department=org.department, category=org.category("marketing"), on=jan(org), amount=Decimal("1000.01")
    )
    assert (check.action, check.rule) == ("stop", "monthly")


def test_budget_check_personnel_only_warns(org):
    check = control.budget_check(
        department=org.department, category=org.category("personnel"), on=jan(org), amount=Decimal("5000")
    )
    assert check.action == "warn"  # no budget at all, but personnel is "warn" annually


def test_budget_check_without_a_fiscal_year_stops(org):
    check = control.budget_check(
        department=org.department,
        category=org.category("travel"),
        on=datetime.date(org.year.year + 5, 1, 1),
        amount=Decimal("1"),
    )
    assert (check.action, check.rule) == ("stop", "fiscal_year")


def test_budget_check_costs_the_same_queries_however_many_documents(org, django_assert_max_num_queries):
    org.budget("travel", "1000000")
    for index in range(30):
        commit(org, org.head, "10", key=f"k{index}")
    with django_assert_max_num_queries(3):
        control.budget_check(
            department=org.department, category=org.category("travel"), on=jan(org), amount=Decimal("1")
        )


# --- budget_commit --------------------------------------------------------------------------------
def test_budget_commit_updates_the_running_totals(org):
    org.budget("travel", "12000")
    commitment, check = commit(org, org.head, "300")
    line = line_of(org)
    assert line.committed == Decimal("300.00")
    assert BudgetLineMonth.objects.get(line=line, month=1).committed == Decimal("300.00")
    assert commitment.status == CommitmentStatus.COMMITTED
    assert check.action == "ok"


def test_budget_commit_is_idempotent_per_document_line(org):
    org.budget("travel", "12000")
    commit(org, org.head, "300")
    commit(org, org.head, "300")
    assert line_of(org).committed == Decimal("300.00")
    commit(org, org.head, "450")  # re-committing changes the amount
    assert line_of(org).committed == Decimal("450.00")
    assert Commitment.objects.count() == 1


def test_budget_commit_refuses_a_stop_naming_the_rule(org):
    org.budget("travel", "1200")
    with pytest.raises(ValidationError) as error:
        commit(org, org.head, "1200.01")
    assert "amount" in error.value.message_dict
    assert "remaining annual budget" in error.value.message_dict["amount"][0]
    assert line_of(org).committed == 0
    assert not Commitment.objects.exists()


def test_budget_commit_allows_a_warning_and_records_it(org):
    org.budget("travel", "12000")
    commitment, check = commit(org, org.head, "1500")
    assert check.action == "warn"
    assert "accumulated" in commitment.warning


def test_budget_commit_override_needs_the_policy_role_and_a_reason(org):
    org.budget("travel", "1200")
    with pytest.raises(PermissionDenied):
        commit(org, org.head, "2000", override_reason="urgent")
    commitment, _check = control.budget_commit(
        actor=org.executive,
        document=org.head,
        line_key="1",
        department=org.department,
        category=org.category("travel"),
        on=jan(org),
        amount=Decimal("2000"),
        override_reason="展会临时追加，总经理批准",
    )
    assert commitment.overridden_by == org.executive
    assert commitment.override_reason == "展会临时追加，总经理批准"
    assert line_of(org).committed == Decimal("2000.00")


def test_budget_commit_refuses_zero_and_negative_amounts(org):
    org.budget("travel", "1200")
    for amount in ("0", "-5"):
        with pytest.raises(ValidationError) as error:
            commit(org, org.head, amount)
        assert "amount" in error.value.message_dict


def test_budget_commit_moves_to_another_line_when_the_category_changes(org):
    org.budget("travel", "12000")
    org.budget("training", "12000")
    commit(org, org.head, "300")
    commit(org, org.head, "300", category="training")
    assert line_of(org, "travel").committed == 0
    assert line_of(org, "training").committed == Decimal("300.00")


# --- budget_release / budget_actualize ---------------------------------------------------------------
def test_budget_release_gives_back_and_is_idempotent(org):
    org.budget("travel", "12000")
    commit(org, org.head, "300", key="a")
    commit(org, org.head, "200", key="b")
    assert control.budget_release(actor=org.applicant, document=org.head) == 2
    assert control.budget_release(actor=org.applicant, document=org.head) == 0
    assert line_of(org).committed == 0


def test_budget_actualize_turns_committed_into_actual_once(org):
    org.budget("travel", "12000")
    commit(org, org.head, "300", key="a")
    commit(org, org.head, "200", key="b")
    assert (
        control.budget_actualize(actor=org.finance, document=org.head, line_key="a", amount=Decimal("250"))
        == 1
    )
    assert control.budget_actualize(actor=org.finance, document=org.head) == 1
    assert control.budget_actualize(actor=org.finance, document=org.head) == 0
    line = line_of(org)
    assert (line.committed, line.actual) == (Decimal("0.00"), Decimal("450.00"))
    month = BudgetLineMonth.objects.get(line=line, month=1)
    assert (month.committed, month.actual) == (Decimal("0.00"), Decimal("450.00"))


def test_budget_actualize_refuses_more_than_committed(org):
    org.budget("travel", "12000")
    commit(org, org.head, "300")
    with pytest.raises(ValidationError):
        control.budget_actualize(actor=org.finance, document=org.head, line_key="1", amount=Decimal("301"))


def test_budget_commit_refuses_a_line_already_paid(org):
    org.budget("travel", "12000")
    commit(org, org.head, "300")
    control.budget_actualize(actor=org.finance, document=org.head)
    with pytest.raises(ValidationError):
        commit(org, org.head, "300")


def test_budget_check_exclude_counts_the_documents_own_commitment(org):
    org.budget("travel", "1200")
    commit(org, org.head, "1000")
    again = control.budget_check(
        department=org.department,
        category=org.category("travel"),
        on=jan(org),
        amount=Decimal("1000"),
        exclude=org.head,
    )
    other = control.budget_check(
        department=org.department, category=org.category("travel"), on=jan(org), amount=Decimal("1000")
    )
    assert again.action != "stop"
    assert other.action == "stop"


def test_budget_record_actual_goes_straight_to_actual(org):
    org.budget("personnel", "120000")
    control.budget_record_actual(
        actor=org.finance,
        document=org.head,
        line_key="payroll-1",
        department=org.department,
        category=org.category("personnel"),
        on=jan(org),
        amount=Decimal("9000"),
    )
    control.budget_record_actual(
        actor=org.finance,
        document=org.head,
        line_key="payroll-1",
        department=org.department,
        category=org.category("personnel"),
        on=jan(org),
        amount=Decimal("9500"),
    )
    line = line_of(org, "personnel")
    assert (line.committed, line.actual) == (Decimal("0.00"), Decimal("9500.00"))
