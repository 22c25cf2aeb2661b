"""People and documents for the approval engine's tests."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from whitewall.accounts.models import Department, StaffProfile, User
from whitewall.config.policy import Policy

_numbers = itertools.count(1)


def make_staff(username, *, roles=(), department=None, manager=None, **extra) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", is_staff=True, full_name=username.title(), **extra
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    if department is not None:
        StaffProfile.objects.create(
            user=user, employee_no=f"T{next(_numbers):05d}", department=department, manager=manager
        )
    return user


class Org:
    """A small organisation: an applicant in operations, its head, finance officers, executives."""

    def __init__(self):
        self.department = Department.objects.get(code="operations")
        self.head = make_staff("head", roles=["department_head"], department=self.department)
        self.department.head = self.head
        self.department.save()
        self.manager = make_staff("manager", roles=["operations_manager"], department=self.department)
        self.applicant = make_staff(
            "applicant", roles=["operator"], department=self.department, manager=self.manager
        )
        self.finance1 = make_staff("finance1", roles=["finance_officer"], department=self.department)
        self.finance2 = make_staff("finance2", roles=["finance_officer"], department=self.department)
        self.executive = make_staff("boss", roles=["executive"], department=self.department)
        self.colleague = make_staff("colleague", roles=["operator"], department=self.department)

    def claim(self, amount="1200.00", applicant=None, title="出差报销"):
        from whitewall.testapps.approvals.models import TestClaim

        return TestClaim.objects.create(
            applicant=applicant or self.applicant,
            amount=Decimal(amount),
            title=title,
            department=self.department,
        )

    def plan(self, owner=None, title="新版本上线计划"):
        from whitewall.testapps.approvals.models import TestPlan

        return TestPlan.objects.create(owner=owner or self.applicant, title=title)


@pytest.fixture
def org(db):
    return Org()


@pytest.fixture
def use_flows(monkeypatch):
    """Replace the policy's approval flows for one test: use_flows([{process, tiers…}], **approvals)."""

    def apply(flows, **approvals):
        policy = Policy.model_validate({"approvals": {"flows": flows, **approvals}})
        from whitewall.approvals import checks, services

        monkeypatch.setattr(services, "get_policy", lambda: policy)
        monkeypatch.setattr(checks, "get_policy", lambda: policy)
        from whitewall.approvals import forms

        monkeypatch.setattr(forms, "get_policy", lambda: policy)
        return policy

    return apply


@pytest.fixture
def staff(db):
    return make_staff


# The engine's tests exercise tiers, modes and conditions on a fixed three-tier flow, whatever chain
# the organisation's policy file declares for reimbursements (finance's own tests cover that one).
ENGINE_TEST_FLOW = {
    "process": "finance.reimbursement",
    "tiers": [
        {"name": "Department head", "reviewers": [{"relation": "department_head"}]},
        {"name": "Finance audit", "reviewers": [{"role": "finance_officer"}]},
        {
            "name": "Executive (above 5,000)",
            "reviewers": [{"role": "executive"}],
            "conditions": [{"field": "amount", "op": ">", "value": 5000}],
        },
    ],
}


@pytest.fixture(autouse=True)
def _engine_test_flow(monkeypatch):
    from whitewall.config.policy import Flow, get_policy

    policy = get_policy()
    fixed = Flow.model_validate(ENGINE_TEST_FLOW)
    flows = tuple(fixed if flow.process == fixed.process else flow for flow in policy.approvals.flows)
    patched = policy.model_copy(update={"approvals": policy.approvals.model_copy(update={"flows": flows})})
    monkeypatch.setattr("whitewall.approvals.services.get_policy", lambda: patched)
