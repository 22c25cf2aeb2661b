"""Shared helpers of the purchases, analysis, cost report and import tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from whitewall.finance import services
from whitewall.finance.models import PurchaseRequest


def items(*rows):
    return [{"description": d, "quantity": str(q), "unit_price": str(p)} for d, q, p in rows]


def draft(
    org, *, category="equipment", rows=(("笔记本电脑", 2, 3000),), on=None, requester=None, department=None
):
    requester = requester or org.applicant
    return services.purchase_save(
        actor=requester,
        request=PurchaseRequest(
            title="采购申请",
            requester=requester,
            department=department or org.department,
            category=org.category(category),
            reason="工作需要",
            expected_date=on or org.today,
        ),
        items=items(*rows),
    )


def month_day(org, month: int, day: int = 15) -> datetime.date:
    return datetime.date(org.year.year, month, day)


D = Decimal


def sign_in(client, user) -> None:
    """Log in; people in roles that must use MFA get a (test) authenticator first."""
    from allauth.mfa.models import Authenticator

    from whitewall.core.testing import login

    if not Authenticator.objects.filter(user=user).exists():
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
    login(client, user)
