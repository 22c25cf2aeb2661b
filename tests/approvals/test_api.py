"""The approvals API: requests you take part in (with steps and timeline), the inbox, every action
on a request through the approval services, submitting a document, and your delegations."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from whitewall.accounts.models import Department, StaffProfile, User
from whitewall.approvals import services
from whitewall.approvals.models import ApprovalRequest, Delegation, RequestStatus
from whitewall.core.testing import APITestCases, api_rates, grant, login
from whitewall.testapps.approvals.models import TestClaim


def _person(username, role=None, department=None):
    user = User.objects.create_user(username=username, email=f"{username}@example.com", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if department:
        StaffProfile.objects.create(user=user, employee_no=f"A-{username}", department=department)
    return user


class PeopleMixin:
    def make_people(self):
        self.department = Department.objects.get(code="operations")
        self.head = _person("a_head", "department_head", self.department)
        self.department.head = self.head
        self.department.save()
        self.applicant = _person("a_applicant", "operator", self.department)
        self.finance = _person("a_finance", "finance_officer", self.department)
        self.outsider = _person("a_outsider", "operator", self.department)

    def claim(self, title="差旅报销", amount="800"):
        return TestClaim.objects.create(
            applicant=self.applicant, amount=Decimal(amount), title=title, department=self.department
        )

    def submit(self, title="差旅报销", amount="800"):
        return services.approval_submit(actor=self.applicant, document=self.claim(title, amount))

    def client_for(self, user) -> Client:
        client = Client()
        login(client, user)
        return client

    def post(self, user, url, data=None):
        import json

        return self.client_for(user).post(url, data=json.dumps(data or {}), content_type="application/json")


def action_url(request, name):
    return reverse(f"api:approvals-approvalrequest-{name}", kwargs={"pk": request.pk})


class ApprovalRequestAPITests(PeopleMixin, APITestCases.GetObjectAPITestCase):
    model = ApprovalRequest

    def make_objects(self):
        self.make_people()
        return [self.submit("报销甲"), self.submit("报销乙"), self.submit("报销丙")]

    def test_participants_see_their_requests_without_any_permission(self):
        first = self.objects[0]
        for user in (self.applicant, self.head):
            client = self.client_for(user)
            self.assertEqual(client.get(self.detail_url(first)).status_code, 200)
            ids = self.result_ids(client.get(self.list_url()))
            self.assertEqual(ids, {obj.pk for obj in self.objects})
        outsider = self.client_for(self.outsider)
        self.assertEqual(self.result_ids(outsider.get(self.list_url())), set())
        self.assertEqual(outsider.get(self.detail_url(first)).status_code, 403)

    def test_list_anonymous_is_refused(self):
        self.anonymous()
        self.assertIn(self.client.get(self.list_url()).status_code, (401, 403))

    def test_readers_see_every_request_or_only_their_constrained_rows(self):
        self.assertEqual(self.result_ids(self.client.get(self.list_url())), set())
        self.add_permissions("view", constraints={"pk": self.objects[1].pk})
        self.assertEqual(self.result_ids(self.client.get(self.list_url())), {self.objects[1].pk})
        self.add_permissions("view")
        self.assertEqual(self.result_ids(self.client.get(self.list_url())), {obj.pk for obj in self.objects})

    def test_the_console_filters_apply(self):
        self.add_permissions("view")
        services.approval_withdraw(actor=self.applicant, request=self.objects[2])
        ids = self.result_ids(self.client.get(self.list_url(), {"status": "withdrawn"}))
        self.assertEqual(ids, {self.objects[2].pk})
        response = self.client.get(self.list_url(), {"status": "lost"})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "status")

    def test_detail_has_the_steps_and_the_timeline(self):
        body = self.client_for(self.head).get(self.detail_url(self.objects[0])).json()
        self.assertEqual(body["status"], "pending")
        self.assertEqual(body["document_type"], "testapp_approvals.testclaim")
        self.assertEqual(body["tiers"][0]["name"], "Department head")
        self.assertEqual(body["tiers"][0]["tasks"][0]["assignee"]["username"], "a_head")
        self.assertEqual(body["timeline"][0]["kind"], "submitted")
        self.assertEqual(body["submitted_by"]["username"], "a_applicant")


class ApprovalActionAPITests(PeopleMixin, TestCase):
    def setUp(self):
        self.enterContext(api_rates())
        self.make_people()
        self.request = self.submit()

    def test_the_approver_approves_and_the_request_moves_on(self):
        response = self.post(self.head, action_url(self.request, "decide"), {"decision": "approve"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["current_tier"], 1)
        self.assertEqual(response.json()["timeline"][-1]["kind"], "tier_started")
        self.request.refresh_from_db()
        self.assertEqual(self.request.current_tier, 1)

    def test_reject_and_send_back_need_a_reason(self):
        for decision in ("reject", "send_back"):
            response = self.post(self.head, action_url(self.request, "decide"), {"decision": decision})
            self.assertEqual(response.status_code, 400)
            self.assertIn("comment", response.json()["errors"])
        response = self.post(self.head, action_url(self.request, "decide"), {"decision": "maybe"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("decision", response.json()["errors"])
        response = self.post(
            self.head, action_url(self.request, "decide"), {"decision": "send_back", "comment": "缺发票"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], RequestStatus.SENT_BACK)

    def test_nobody_else_decides(self):
        response = self.post(self.applicant, action_url(self.request, "decide"), {"decision": "approve"})
        self.assertEqual(response.status_code, 403)
        response = self.post(self.outsider, action_url(self.request, "decide"), {"decision": "approve"})
        self.assertEqual(response.status_code, 403)
        self.request.refresh_from_db()
        self.assertEqual(self.request.current_tier, 0)

    def test_withdraw_then_decide_is_a_clear_error_and_resubmit_starts_a_new_round(self):
        self.assertEqual(self.post(self.head, action_url(self.request, "withdraw")).status_code, 403)
        response = self.post(self.applicant, action_url(self.request, "withdraw"), {"comment": "写错了"})
        self.assertEqual(response.json()["status"], RequestStatus.WITHDRAWN)
        response = self.post(self.head, action_url(self.request, "decide"), {"decision": "approve"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("non_field_errors", response.json()["errors"])
        response = self.post(self.applicant, action_url(self.request, "resubmit"))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["status"], response.json()["round"]), ("pending", 2))

    def test_add_approver_and_cc(self):
        response = self.post(self.head, action_url(self.request, "add-approver"), {"user": self.finance.pk})
        self.assertEqual(response.status_code, 200, response.content)
        assignees = {t["assignee"]["username"] for t in response.json()["tiers"][0]["tasks"]}
        self.assertEqual(assignees, {"a_head", "a_finance"})
        response = self.post(self.head, action_url(self.request, "add-approver"), {"user": self.applicant.pk})
        self.assertEqual(response.status_code, 400)
        self.assertIn("user", response.json()["errors"])
        response = self.post(self.applicant, action_url(self.request, "cc"), {"users": [self.outsider.pk]})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual([p["username"] for p in response.json()["cc"]], ["a_outsider"])
        rows = self.client_for(self.outsider).get(reverse("api:approvals-approvalrequest-cc-inbox")).json()
        self.assertEqual([row["request"]["id"] for row in rows["results"]], [self.request.pk])
        # The CC'd colleague now reads the request, but cannot decide it.
        self.assertEqual(
            self.client_for(self.outsider).get(action_url(self.request, "detail")).status_code, 200
        )
        response = self.post(self.outsider, action_url(self.request, "decide"), {"decision": "approve"})
        self.assertEqual(response.status_code, 403)

    def test_the_inbox_to_do_and_done(self):
        todo = reverse("api:approvals-approvalrequest-todo")
        done = reverse("api:approvals-approvalrequest-done")
        head = self.client_for(self.head)
        self.assertEqual(
            [row["request"]["id"] for row in head.get(todo).json()["results"]], [self.request.pk]
        )
        self.assertEqual(head.get(done).json()["results"], [])
        self.post(self.head, action_url(self.request, "decide"), {"decision": "approve"})
        self.assertEqual(head.get(todo).json()["results"], [])
        rows = head.get(done).json()["results"]
        self.assertEqual(
            [(row["request"]["id"], row["decision"]) for row in rows], [(self.request.pk, "approve")]
        )
        self.assertEqual(self.client_for(self.applicant).get(todo).json()["results"], [])

    def test_submit_a_document_you_may_see(self):
        claim = self.claim("新的报销")
        url = reverse("api:approvals-approvalrequest-submit")
        body = {"document_type": "testapp_approvals.testclaim", "document_id": claim.pk}
        self.assertEqual(self.post(self.applicant, url, body).status_code, 404)  # may not see it
        grant(self.applicant, TestClaim, ["view"])
        self.assertEqual(self.post(self.outsider, url, body).status_code, 404)
        response = self.post(self.applicant, url, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["title"], "新的报销")
        claim.refresh_from_db()
        self.assertEqual(claim.state, "submitted")
        self.assertEqual(self.post(self.applicant, url, body).status_code, 400)  # already waiting
        grant(self.outsider, TestClaim, ["view"])
        self.assertEqual(
            self.post(self.outsider, url, {**body, "document_id": self.claim().pk}).status_code, 403
        )

    def test_submit_names_a_bad_document_type(self):
        url = reverse("api:approvals-approvalrequest-submit")
        for value in ("nothing", "accounts.department", "no.such"):
            response = self.post(self.applicant, url, {"document_type": value, "document_id": 1})
            self.assertEqual(response.status_code, 400, value)
            self.assertIn("document_type", response.json()["errors"])

    def test_a_read_only_token_cannot_act(self):
        from whitewall.accounts.tokens import apitoken_create

        _token, key = apitoken_create(actor=self.head, name="ro", scope="read", days=1)
        response = Client().post(
            action_url(self.request, "decide"),
            data='{"decision": "approve"}',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {key}",
        )
        self.assertEqual(response.status_code, 403)
        self.request.refresh_from_db()
        self.assertEqual(self.request.current_tier, 0)


class DelegationAPITests(
    APITestCases.GetObjectAPITestCase,
    APITestCases.ListObjectsAPITestCase,
    APITestCases.CreateObjectAPITestCase,
):
    model = Delegation
    invalid_field = "delegate"

    def make_objects(self):
        today = timezone.localdate()
        self.colleague = _person("d_colleague", "operator")
        others = [_person(f"d_other{i}", "operator") for i in range(3)]
        return [
            Delegation.objects.create(delegator=person, delegate=self.colleague, start=today, end=today)
            for person in others
        ]

    def get_create_data(self):
        today = timezone.localdate()
        return {"delegate": self.colleague.pk, "start": today, "end": today + datetime.timedelta(days=5)}

    @property
    def invalid_data(self):
        return {**self.get_create_data(), "delegate": self.user.pk}

    def test_create_object_with_permission(self):
        super().test_create_object_with_permission()
        delegation = Delegation.objects.order_by("-pk").first()
        self.assertEqual((delegation.delegator, delegation.delegate), (self.user, self.colleague))

    def test_the_roles_grant_shows_only_your_own(self):
        self.user.groups.add(Group.objects.get(name="operator"))
        mine = Delegation.objects.create(
            delegator=self.user, delegate=self.colleague, start=timezone.localdate(), end=timezone.localdate()
        )
        self.assertEqual(self.result_ids(self.client.get(self.list_url())), {mine.pk})

    def test_end_your_own_delegation_only(self):
        self.add_permissions("view")
        response = self.send("post", self.list_url(), self.get_create_data())
        mine = Delegation.objects.get(pk=response.json()["id"])
        response = self.client.post(self.detail_url(mine) + "end/")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertFalse(response.json()["is_active"])
        mine.refresh_from_db()
        self.assertIsNotNone(mine.ended_at)
        self.assertEqual(self.client.post(self.detail_url(self.objects[0]) + "end/").status_code, 403)
        self.assertIsNone(Delegation.objects.get(pk=self.objects[0].pk).ended_at)

    def test_delegations_are_neither_changed_nor_deleted(self):
        self.add_permissions("view", "add", "change", "delete")
        self.assertEqual(
            self.send("patch", self.detail_url(self.objects[0]), {"end": "2030-01-01"}).status_code, 405
        )
        self.assertEqual(self.client.delete(self.detail_url(self.objects[0])).status_code, 405)
