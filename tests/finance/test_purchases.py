"""Purchase requests: items, budget commitment on submission, release, order, receipt as actual."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.finance.costs_helpers import draft, items, month_day, sign_in

from whitewall.approvals.models import RequestStatus
from whitewall.approvals.services import approval_decide, approval_withdraw
from whitewall.finance import services
from whitewall.finance.demo_budgets import approve_all
from whitewall.finance.models import (
    BudgetLine,
    BudgetLineMonth,
    Commitment,
    CommitmentStatus,
    PurchaseRequest,
    PurchaseStatus,
)

pytestmark = pytest.mark.django_db


def _line(org, category="equipment"):
    return BudgetLine.objects.get(
        fiscal_year=org.year, department=org.department, category=org.category(category)
    )


# --- purchase_save ---------------------------------------------------------------------------------
def test_purchase_save_computes_the_amount_from_quantity_times_unit_price(org):
    request = draft(org, rows=(("显示器", 3, "1299.50"), ("键盘", "2", "199")))
    assert request.amount == Decimal("4296.50")
    assert [i.amount for i in request.items.all()] == [Decimal("3898.50"), Decimal("398.00")]
    assert request.status == PurchaseStatus.DRAFT and request.requester == org.applicant


def test_purchase_save_names_the_row_and_column_of_a_bad_item_and_writes_nothing(org):
    with pytest.raises(ValidationError) as error:
        draft(org, rows=(("显示器", 1, 100), ("", 2, "abc"), ("鼠标", 0, 50)))
    messages = " ".join(error.value.message_dict["items"])
    assert "Row 2" in messages and "unit price" in messages and "item" in messages
    assert "Row 3" in messages and "quantity" in messages
    assert not PurchaseRequest.objects.exists()


def test_purchase_save_refuses_a_request_without_items(org):
    with pytest.raises(ValidationError) as error:
        draft(org, rows=())
    assert "items" in error.value.message_dict


def test_purchase_save_refuses_changes_once_submitted(org):
    org.budget("equipment", "50000")
    request = draft(org)
    services.purchase_submit(actor=org.applicant, request=request)
    request.refresh_from_db()
    with pytest.raises(ValidationError):
        services.purchase_save(actor=org.applicant, request=request, items=items(("x", 1, 1)))


# --- purchase_submit: commitment and approval ------------------------------------------------------
def test_purchase_submit_commits_the_budget_and_starts_the_approval(org):
    org.budget("equipment", "50000")
    request = draft(org)
    approval, check = services.purchase_submit(actor=org.applicant, request=request)
    request.refresh_from_db()
    assert request.status == PurchaseStatus.SUBMITTED
    assert approval.status == RequestStatus.PENDING and approval.process == "finance.purchase"
    assert check.action == "ok"
    line = _line(org)
    assert line.committed == Decimal("6000.00") and line.actual == 0
    month = org.year.month_of(org.today)
    assert BudgetLineMonth.objects.get(line=line, month=month).committed == Decimal("6000.00")
    commitment = Commitment.objects.get(object_id=request.pk, content_type__model="purchaserequest")
    assert commitment.status == CommitmentStatus.COMMITTED and commitment.amount == Decimal("6000.00")


def test_purchase_submit_is_refused_over_a_stop_and_nothing_is_held(org):
    org.budget("equipment", "5000")  # equipment: annual "stop" in the default policy
    request = draft(org)
    with pytest.raises(ValidationError) as error:
        services.purchase_submit(actor=org.applicant, request=request)
    assert "amount" in error.value.message_dict
    assert "exceeds the remaining annual budget" in error.value.message_dict["amount"][0]
    request.refresh_from_db()
    assert request.status == PurchaseStatus.DRAFT and request.approval_request is None
    assert _line(org).committed == 0


def test_purchase_submit_over_a_warn_goes_through_with_the_warning_recorded(org):
    # travel: annual stop, monthly warn; 1,000 a month; 1,500 in January exceeds January's budget.
    org.budget("travel", "12000")
    request = draft(org, category="travel", rows=(("机票", 1, 1500),), on=month_day(org, 1))
    _approval, check = services.purchase_submit(actor=org.applicant, request=request)
    request.refresh_from_db()
    assert check.action == "warn" and check.rule == "monthly"
    assert request.status == PurchaseStatus.SUBMITTED
    assert "month 1" in request.budget_warning


def test_purchase_submit_only_by_the_requester(org):
    org.budget("equipment", "50000")
    request = draft(org)
    with pytest.raises(PermissionDenied):
        services.purchase_submit(actor=org.colleague, request=request)


def test_the_approval_follows_amount_tiers(org):
    org.budget("equipment", "100000")
    small = draft(org, rows=(("鼠标", 2, 100),))
    approval, _check = services.purchase_submit(actor=org.applicant, request=small)
    applies = [tier["applies"] for tier in approval.flow_snapshot["tiers"]]
    assert applies == [True, False, False]
    large = draft(org, rows=(("服务器", 1, 60000),))
    approval, _check = services.purchase_submit(actor=org.applicant, request=large)
    assert [tier["applies"] for tier in approval.flow_snapshot["tiers"]] == [True, True, True]


# --- release on rejection, withdrawal, send-back and cancellation -----------------------------------
def test_rejection_releases_the_budget(org):
    org.budget("equipment", "50000")
    request = draft(org)
    approval, _check = services.purchase_submit(actor=org.applicant, request=request)
    approval_decide(actor=org.head, request=approval, decision="reject", comment="暂不采购")
    request.refresh_from_db()
    assert request.status == PurchaseStatus.REJECTED
    assert _line(org).committed == 0
    assert (
        Commitment.objects.get(object_id=request.pk, content_type__model="purchaserequest").status
        == "released"
    )


def test_withdrawal_releases_and_a_resubmission_commits_again(org):
    org.budget("equipment", "50000")
    request = draft(org)
    approval, _check = services.purchase_submit(actor=org.applicant, request=request)
    approval_withdraw(actor=org.applicant, request=approval)
    request.refresh_from_db()
    assert request.status == PurchaseStatus.WITHDRAWN and _line(org).committed == 0
    request = services.purchase_save(
        actor=org.applicant, request=request, items=items(("笔记本电脑", 1, 3000))
    )
    services.purchase_submit(actor=org.applicant, request=request)
    assert _line(org).committed == Decimal("3000.00")


def test_send_back_releases_and_returns_to_draft(org):
    org.budget("equipment", "50000")
    request = draft(org)
    approval, _check = services.purchase_submit(actor=org.applicant, request=request)
    approval_decide(actor=org.head, request=approval, decision="send_back", comment="请补充报价")
    request.refresh_from_db()
    assert request.status == PurchaseStatus.DRAFT and _line(org).committed == 0


def test_purchase_cancel_releases_an_approved_request(org):
    org.budget("equipment", "50000")
    request = draft(org)
    approval, _check = services.purchase_submit(actor=org.applicant, request=request)
    approve_all(approval)
    request.refresh_from_db()
    assert request.status == PurchaseStatus.APPROVED and _line(org).committed == Decimal("6000.00")
    with pytest.raises(ValidationError) as error:
        services.purchase_cancel(actor=org.finance, request=request, reason="")
    assert "cancel_reason" in error.value.message_dict
    services.purchase_cancel(actor=org.finance, request=request, reason="改为调拨")
    request.refresh_from_db()
    assert request.status == PurchaseStatus.CANCELLED and _line(org).committed == 0


def test_purchase_cancel_refuses_a_request_in_approval(org):
    org.budget("equipment", "50000")
    request = draft(org)
    services.purchase_submit(actor=org.applicant, request=request)
    with pytest.raises(ValidationError):
        services.purchase_cancel(actor=org.applicant, request=request, reason="不需要了")


# --- purchase_order / purchase_receive -------------------------------------------------------------
def _approved(org, amount="50000"):
    org.budget("equipment", amount)
    request = draft(org)
    approval, _check = services.purchase_submit(actor=org.applicant, request=request)
    approve_all(approval)
    request.refresh_from_db()
    return request


def test_purchase_order_and_receive_turn_the_commitment_into_actual(org):
    request = _approved(org)
    with pytest.raises(ValidationError) as error:
        services.purchase_order(
            actor=org.finance, request=request, supplier="", order_reference="", ordered_on=None
        )
    assert {"supplier", "order_reference"} <= set(error.value.message_dict)
    services.purchase_order(
        actor=org.finance, request=request, supplier="华信科技", order_reference="PO-1", ordered_on=org.today
    )
    request.refresh_from_db()
    assert request.status == PurchaseStatus.ORDERED and request.supplier == "华信科技"
    services.purchase_receive(
        actor=org.finance, request=request, received_on=org.today, received_amount="5800"
    )
    request.refresh_from_db()
    line = _line(org)
    assert request.status == PurchaseStatus.RECEIVED and request.received_amount == Decimal("5800.00")
    assert line.committed == 0 and line.actual == Decimal("5800.00")
    commitment = Commitment.objects.get(object_id=request.pk, content_type__model="purchaserequest")
    assert commitment.status == CommitmentStatus.ACTUAL and commitment.actual_amount == Decimal("5800.00")


def test_purchase_receive_refuses_more_than_approved(org):
    request = _approved(org)
    services.purchase_order(
        actor=org.finance, request=request, supplier="A", order_reference="B", ordered_on=None
    )
    with pytest.raises(ValidationError) as error:
        services.purchase_receive(
            actor=org.finance, request=request, received_on=None, received_amount="6000.01"
        )
    assert "received_amount" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.purchase_receive(actor=org.finance, request=request, received_on=None, received_amount="abc")
    assert _line(org).actual == 0


def test_purchase_order_and_receive_need_the_finance_officer(org):
    request = _approved(org)
    with pytest.raises(PermissionDenied):
        services.purchase_order(
            actor=org.applicant, request=request, supplier="A", order_reference="B", ordered_on=None
        )


# --- who sees what ---------------------------------------------------------------------------------
def test_grants_requester_own_head_department_finance_all(org):
    org.budget("equipment", "50000")
    own = draft(org)
    other = draft(org, requester=org.colleague)
    visible = set(PurchaseRequest.objects.restrict(org.applicant, "view").values_list("pk", flat=True))
    assert visible == {own.pk}
    assert set(PurchaseRequest.objects.restrict(org.head, "view").values_list("pk", flat=True)) == {
        own.pk,
        other.pk,
    }
    assert PurchaseRequest.objects.restrict(org.head, "change").filter(pk=own.pk).count() == 0
    assert PurchaseRequest.objects.restrict(org.finance, "change").count() == 2
    assert PurchaseRequest.objects.restrict(org.auditor, "view").count() == 2
    assert PurchaseRequest.objects.restrict(org.auditor, "change").count() == 0


def test_a_requester_cannot_request_for_another_department(org):
    with pytest.raises(PermissionDenied):
        from django.db import transaction

        with transaction.atomic():
            request = draft(org, department=org.other_department)
            if not PurchaseRequest.objects.restrict(org.applicant, "add").filter(pk=request.pk).exists():
                raise PermissionDenied


# --- pages -----------------------------------------------------------------------------------------
def test_the_form_creates_a_request_with_its_items_and_the_live_check_answers(client, org):
    org.budget("equipment", "10000")
    sign_in(client, org.applicant)
    data = {
        "title": "显示器",
        "department": org.department.pk,
        "category": org.category("equipment").pk,
        "expected_date": org.today.isoformat(),
        "reason": "双屏办公",
        "item_description": ["27 英寸显示器", "", ""],
        "item_quantity": ["2", "", ""],
        "item_unit_price": ["1500", "", ""],
    }
    check = client.get("/console/finance/purchases/check/", data)
    assert check.status_code == 200
    body = check.content.decode()
    assert 'data-action="ok"' in body and "¥3,000.00" in body
    over = client.get("/console/finance/purchases/check/", {**data, "item_quantity": ["20", "", ""]})
    assert 'data-action="stop"' in over.content.decode()
    response = client.post("/console/finance/purchases/add/", data)
    assert response.status_code == 302, response.content[:2000]
    request = PurchaseRequest.objects.get()
    assert request.amount == Decimal("3000.00") and request.items.count() == 1
    page = client.get(request.get_absolute_url())
    assert page.status_code == 200 and 'data-testid="submit-purchase"' in page.content.decode()
    response = client.post(f"/console/finance/purchases/{request.pk}/submit/")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == PurchaseStatus.SUBMITTED


def test_the_form_shows_item_errors_with_row_and_column(client, org):
    sign_in(client, org.applicant)
    client.cookies["whitewall_language"] = "en"  # the message below is checked in English
    response = client.post(
        "/console/finance/purchases/add/",
        {
            "title": "显示器",
            "department": org.department.pk,
            "category": org.category("equipment").pk,
            "expected_date": org.today.isoformat(),
            "reason": "x",
            "item_description": ["显示器"],
            "item_quantity": ["two"],
            "item_unit_price": ["100"],
        },
    )
    assert response.status_code == 422
    assert "Row 1, quantity" in response.content.decode()
    assert not PurchaseRequest.objects.exists()


def test_the_finance_officer_orders_and_receives_from_the_page(client, org):
    request = _approved(org)
    sign_in(client, org.finance)
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'data-testid="order-purchase"' in page
    client.post(
        f"/console/finance/purchases/{request.pk}/order/",
        {"supplier": "华信科技", "order_reference": "PO-9", "ordered_on": org.today.isoformat()},
    )
    client.post(
        f"/console/finance/purchases/{request.pk}/receive/",
        {"received_on": org.today.isoformat(), "received_amount": "6000"},
    )
    request.refresh_from_db()
    assert request.status == PurchaseStatus.RECEIVED and _line(org).actual == Decimal("6000.00")


def test_the_requester_cannot_order_from_the_page(client, org):
    request = _approved(org)
    sign_in(client, org.applicant)
    client.post(f"/console/finance/purchases/{request.pk}/order/", {"supplier": "A", "order_reference": "B"})
    request.refresh_from_db()
    assert request.status == PurchaseStatus.APPROVED


def test_the_live_check_hides_another_departments_budget(client, org):
    org.budget("equipment", "10000", department=org.other_department)
    sign_in(client, org.applicant)
    response = client.get(
        "/console/finance/purchases/check/",
        {
            "department": org.other_department.pk,
            "category": org.category("equipment").pk,
            "expected_date": org.today.isoformat(),
            "item_quantity": "1",
            "item_unit_price": "100",
            "item_description": "x",
        },
    )
    assert response.status_code == 200
    assert "¥10,000.00" not in response.content.decode() and 'data-action=""' in response.content.decode()


def test_purchase_save_refuses_numbers_the_columns_cannot_hold(org):
    with pytest.raises(ValidationError) as error:
        draft(
            org,
            rows=(("服务器", "100000000", 1), ("机柜", 1, "1000000000000"), ("线缆", "99999999", "99999")),
        )
    messages = " ".join(error.value.message_dict["items"])
    assert "Row 1, quantity" in messages and "Row 2, unit price" in messages and "Row 3" in messages
    assert not PurchaseRequest.objects.exists()


def test_a_new_request_starts_with_the_requesters_department_and_today(client, org):
    sign_in(client, org.applicant)
    body = client.get("/console/finance/purchases/add/").content.decode()
    assert f'<option value="{org.department.pk}" selected>' in body
    assert f'value="{org.today.isoformat()}"' in body
