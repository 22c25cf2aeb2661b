"""Objects for the platform's every-URL test: a purchase request, a cost report, a saving measure."""

from __future__ import annotations

import datetime
from decimal import Decimal

from whitewall.finance.models import (
    BudgetCategory,
    CostReport,
    PurchaseItem,
    PurchaseRequest,
    SavingMeasure,
)


def every_url_objects(department, user) -> dict:
    equipment = BudgetCategory.objects.get(code="equipment")
    request = PurchaseRequest.objects.create(
        title="target purchase",
        requester=user,
        department=department,
        category=equipment,
        reason="x",
        expected_date=datetime.date(2035, 3, 1),
        amount=Decimal("100"),
    )
    PurchaseItem.objects.create(
        request=request,
        description="x",
        quantity=Decimal("1"),
        unit_price=Decimal("100"),
        amount=Decimal("100"),
    )
    report = CostReport.objects.create(month=datetime.date(2035, 2, 1), snapshot={"month": "2035-02"})
    measure = SavingMeasure.objects.create(
        title="target measure",
        owner=user,
        department=department,
        category=equipment,
        baseline=Decimal("100"),
        target_saving=Decimal("10"),
        start_date=datetime.date(2035, 1, 1),
        end_date=datetime.date(2035, 6, 30),
    )
    return {
        "finance:purchaserequest_": request.pk,
        "finance:costreport_": report.pk,
        "finance:savingmeasure_": measure.pk,
    }
