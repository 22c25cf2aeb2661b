"""Test-only documents that prove the approval engine (installed by the test settings only)."""

from django.conf import settings
from django.db import models

from whitewall.approvals.mixins import Approvable
from whitewall.core.models import BaseModel


class TestClaim(Approvable, BaseModel):
    """A reimbursement-like claim: the finance.reimbursement flow (executive tier above 5,000)."""

    __test__ = False  # not a pytest test class
    approval_process = "finance.reimbursement"

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, null=True, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=20, default="draft")
    callbacks = models.JSONField(default=list, blank=True)

    class Meta:
        app_label = "testapp_approvals"

    def __str__(self) -> str:
        return self.title

    def approval_can_submit(self, user) -> bool:
        return user.pk == self.applicant_id

    def approval_department(self, applicant):
        return self.department or super().approval_department(applicant)

    def _record(self, name, request):
        self.state = name
        self.callbacks = [*self.callbacks, name]
        self.save(update_fields=["state", "callbacks", "updated"])

    def on_submitted(self, request):
        self._record("submitted", request)

    def on_approved(self, request):
        self._record("approved", request)

    def on_rejected(self, request):
        self._record("rejected", request)

    def on_sent_back(self, request):
        self._record("sent_back", request)

    def on_withdrawn(self, request):
        self._record("withdrawn", request)


class TestPlan(Approvable, BaseModel):
    """A project-plan-like document with an owner: the projects.plan flow (quorum 2)."""

    __test__ = False
    approval_process = "projects.plan"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)

    class Meta:
        app_label = "testapp_approvals"

    def __str__(self) -> str:
        return self.title

    def approval_can_submit(self, user) -> bool:
        return user.pk == self.owner_id
