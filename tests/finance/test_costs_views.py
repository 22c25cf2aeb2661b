"""The standard view and API batteries for purchase requests, cost reports and saving measures."""

from __future__ import annotations

import datetime
from decimal import Decimal

from whitewall.accounts.models import Department
from whitewall.core.testing import APITestCases, ViewTestCases
from whitewall.finance.models import (
    BudgetCategory,
    CostReport,
    PurchaseItem,
    PurchaseRequest,
    SavingMeasure,
)


def _purchase(user, title, department="operations"):
    request = PurchaseRequest.objects.create(
        title=title,
        requester=user,
        department=Department.objects.get(code=department),
        category=BudgetCategory.objects.get(code="equipment"),
        reason="工作需要",
        expected_date=datetime.date(2031, 3, 1),
        amount=Decimal("200"),
    )
    PurchaseItem.objects.create(
        request=request,
        description="键盘",
        quantity=Decimal("2"),
        unit_price=Decimal("100"),
        amount=Decimal("200"),
    )
    return request


class PurchaseRequestViewTests(
    ViewTestCases.GetObjectViewTestCase,
    ViewTestCases.ListObjectsViewTestCase,
    ViewTestCases.CreateObjectViewTestCase,
    ViewTestCases.EditObjectViewTestCase,
    ViewTestCases.DeleteObjectViewTestCase,
):
    model = PurchaseRequest
    invalid_field = "title"

    def make_objects(self):
        return [_purchase(self.user, f"采购 {i}") for i in range(3)]

    @property
    def form_data(self):
        return {
            "title": "显示器",
            "department": Department.objects.get(code="operations").pk,
            "category": BudgetCategory.objects.get(code="equipment").pk,
            "expected_date": "2031-04-01",
            "reason": "双屏办公",
            "item_description": ["27 英寸显示器"],
            "item_quantity": ["2"],
            "item_unit_price": ["1500"],
        }

    @property
    def invalid_form_data(self):
        return {**self.form_data, "title": ""}

    def test_a_submitted_request_cannot_be_edited_or_deleted(self):
        self.add_permissions("view", "change", "delete")
        obj = self.objects[0]
        PurchaseRequest.objects.filter(pk=obj.pk).update(status="submitted")
        self.assertEqual(self.client.get(self.url("edit", obj)).status_code, 404)
        self.client.post(self.url("delete", obj))
        self.assertTrue(PurchaseRequest.objects.filter(pk=obj.pk).exists())


class PurchaseRequestAPITests(
    APITestCases.GetObjectAPITestCase,
    APITestCases.ListObjectsAPITestCase,
    APITestCases.CreateObjectAPITestCase,
    APITestCases.UpdateObjectAPITestCase,
    APITestCases.DeleteObjectAPITestCase,
):
    model = PurchaseRequest
    invalid_field = "items.0.quantity"

    def make_objects(self):
        return [_purchase(self.user, f"采购 {i}") for i in range(3)]

    @property
    def create_data(self):
        return {
            "title": "显示器",
            "department": Department.objects.get(code="operations").pk,
            "category": BudgetCategory.objects.get(code="equipment").pk,
            "expected_date": "2031-04-01",
            "reason": "双屏办公",
            "items": [{"description": "显示器", "quantity": "2", "unit_price": "1500"}],
        }

    update_data = {"title": "显示器（改）"}

    @property
    def invalid_data(self):
        return {**self.create_data, "items": [{"description": "显示器", "quantity": "0", "unit_price": "10"}]}


class CostReportViewTests(
    ViewTestCases.GetObjectViewTestCase,
    ViewTestCases.ListObjectsViewTestCase,
    ViewTestCases.CreateObjectViewTestCase,
    ViewTestCases.EditObjectViewTestCase,
    ViewTestCases.DeleteObjectViewTestCase,
):
    model = CostReport
    form_data = {"month": "2031-06-01", "summary": "总体可控", "findings": "差旅超支", "actions": "收紧审批"}
    edit_data = {"summary": "总体可控", "findings": "差旅超支", "actions": "收紧审批"}
    invalid_form_data = {"month": "2031-06-15", "findings": "x"}
    invalid_field = "month"

    def make_objects(self):
        return [CostReport.objects.create(month=datetime.date(2031, m, 1)) for m in (1, 2, 3)]


class CostReportAPITests(
    APITestCases.GetObjectAPITestCase,
    APITestCases.ListObjectsAPITestCase,
    APITestCases.CreateObjectAPITestCase,
    APITestCases.UpdateObjectAPITestCase,
    APITestCases.DeleteObjectAPITestCase,
):
    model = CostReport
    api_basename = "finance-costreport"
    create_data = {"month": "2031-06-01", "findings": "差旅超支", "actions": "收紧审批"}
    update_data = {"findings": "差旅超支（更新）"}
    invalid_data = {"month": "2031-06-15"}
    invalid_field = "month"

    def make_objects(self):
        return [CostReport.objects.create(month=datetime.date(2031, m, 1)) for m in (1, 2, 3)]


def _measure(user, title, department="operations"):
    return SavingMeasure.objects.create(
        title=title,
        owner=user,
        department=Department.objects.get(code=department),
        category=BudgetCategory.objects.get(code="operating"),
        baseline=Decimal("1000"),
        target_saving=Decimal("100"),
        start_date=datetime.date(2031, 4, 1),
        end_date=datetime.date(2031, 9, 30),
    )


class SavingMeasureViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = SavingMeasure
    invalid_field = "target_saving"

    def make_objects(self):
        return [_measure(self.user, f"节约措施 {i}") for i in range(3)]

    @property
    def form_data(self):
        return {
            "title": "双面打印",
            "owner": self.user.pk,
            "department": Department.objects.get(code="operations").pk,
            "category": BudgetCategory.objects.get(code="operating").pk,
            "baseline": "1000",
            "target_saving": "200",
            "start_date": "2031-04-01",
            "end_date": "2031-09-30",
            "status": "active",
        }

    @property
    def invalid_form_data(self):
        return {**self.form_data, "target_saving": "5000"}


class SavingMeasureAPITests(APITestCases.APIViewTestCase):
    model = SavingMeasure
    invalid_field = "end_date"

    def make_objects(self):
        return [_measure(self.user, f"节约措施 {i}") for i in range(3)]

    @property
    def create_data(self):
        return {
            "title": "双面打印",
            "owner": self.user.pk,
            "department": Department.objects.get(code="operations").pk,
            "category": BudgetCategory.objects.get(code="operating").pk,
            "baseline": "1000",
            "target_saving": "200",
            "start_date": "2031-04-01",
            "end_date": "2031-09-30",
        }

    update_data = {"title": "双面打印（改）"}

    @property
    def invalid_data(self):
        return {**self.create_data, "end_date": "2031-01-01"}
