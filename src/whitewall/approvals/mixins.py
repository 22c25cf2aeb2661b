"""``Approvable``: what a document model mixes in to go through the approval engine.

    class Claim(Approvable, BaseModel):
        approval_process = "finance.reimbursement"
        ...
        def on_approved(self, request): self.status = "approved"; self.save(update_fields=["status"])

The engine reads document fields for tier conditions through ``approval_field`` and resolves
reviewer relations through the ``approval_*`` hooks; override them where the document knows
better (e.g. a claim's department rather than the applicant's).
"""

from __future__ import annotations

from typing import Any

from whitewall.approvals.conditions import read_field


class Approvable:
    # The process whose flow this document follows (a key of the policy's approvals.flows).
    approval_process: str = ""

    # --- reading --------------------------------------------------------------------------------
    @property
    def approval_request(self):
        """The request of this document for its default process (None before the first submission)."""
        from whitewall.approvals.models import ApprovalRequest

        if self.pk is None:
            return None
        cache = self.__dict__.setdefault("_approval_request_cache", {})
        process = self.approval_process
        if process not in cache:
            cache[process] = ApprovalRequest.objects.for_document(self).filter(process=process).first()
        return cache[process]

    def approval_title(self) -> str:
        return str(self)[:200]

    def approval_field(self, name: str) -> Any:
        """A field used by tier conditions (``amount``, ``department.code`` …)."""
        return read_field(self, name)

    # --- relations used by reviewer rules -------------------------------------------------------
    def approval_can_submit(self, user) -> bool:
        """Who may submit this document; by default whoever may change it."""
        return type(self).objects.restrict(user, "change").filter(pk=self.pk).exists()

    def approval_department(self, applicant):
        """The department whose head approves ``department_head`` tiers: the applicant's by default."""
        profile = getattr(applicant, "staff_profile", None)
        return profile.department if profile else None

    def approval_manager(self, applicant):
        profile = getattr(applicant, "staff_profile", None)
        return profile.manager if profile else None

    def approval_owner(self):
        """The ``owner`` relation (e.g. a project's owner); by default an ``owner`` attribute."""
        return getattr(self, "owner", None)

    # --- callbacks, inside the deciding transaction ---------------------------------------------
    def on_deciding(self, request, decision: str, actor) -> None:
        """Before a decision is recorded at any step; raise ValidationError to refuse it
        (e.g. a budget that no longer covers the document)."""

    def on_submitted(self, request) -> None:
        pass

    def on_approved(self, request) -> None:
        pass

    def on_rejected(self, request) -> None:
        pass

    def on_sent_back(self, request) -> None:
        pass

    def on_withdrawn(self, request) -> None:
        pass
