"""Approval pages: the battery for the request list and detail, the inbox with its counts, the
decision form and the other actions, delegations, and the timeline any document can include."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.template import Context, Template
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from whitewall.accounts.models import Department, StaffProfile, User
from whitewall.approvals import services
from whitewall.approvals.models import ApprovalRequest, Delegation, RequestStatus
from whitewall.core.testing import ViewTestCases, login
from whitewall.testapps.approvals.models import TestClaim


def _person(username, role=None, department=None, manager=None):
    user = User.objects.create_user(username=username, email=f"{username}@example.com", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if department:
        StaffProfile.objects.create(
            user=user, employee_no=f"V-{username}", department=department, manager=manager
        )
    return user


class PeopleMixin:
    def make_people(self):
        self.department = Department.objects.get(code="operations")
        self.head = _person("v_head", "department_head", self.department)
        self.department.head = self.head
        self.department.save()
        self.applicant = _person("v_applicant", "operator", self.department)
        self.finance = _person("v_finance", "finance_officer", self.department)
        self.outsider = _person("v_outsider", "operator", self.department)

    def submit(self, title="差旅报销", amount="800"):
        claim = TestClaim.objects.create(
            applicant=self.applicant, amount=Decimal(amount), title=title, department=self.department
        )
        return services.approval_submit(actor=self.applicant, document=claim)

    def client_for(self, user) -> Client:
        client = Client()
        login(client, user)
        return client


class ApprovalRequestViewTests(
    PeopleMixin, ViewTestCases.ListObjectsViewTestCase, ViewTestCases.GetObjectViewTestCase
):
    model = ApprovalRequest

    def make_objects(self):
        self.make_people()
        return [self.submit("报销甲"), self.submit("报销乙"), self.submit("报销丙")]

    def test_participants_see_their_request_without_any_permission(self):
        request = self.objects[0]
        for user in (self.applicant, self.head):
            response = self.client_for(user).get(self.url("detail", request))
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, 'data-testid="approval-timeline"')
        self.assertEqual(self.client_for(self.outsider).get(self.url("detail", request)).status_code, 403)

    def test_the_approver_gets_the_decision_form_and_the_applicant_the_withdraw_button(self):
        request = self.objects[0]
        page = self.client_for(self.head).get(self.url("detail", request)).content.decode()
        self.assertIn('data-testid="decision-form"', page)
        self.assertNotIn('data-testid="withdraw"', page)
        page = self.client_for(self.applicant).get(self.url("detail", request)).content.decode()
        self.assertNotIn('data-testid="decision-form"', page)
        self.assertIn('data-testid="withdraw"', page)


class DecisionViewTests(PeopleMixin, TestCase):
    def setUp(self):
        self.make_people()
        self.request = self.submit()
        self.decide_url = reverse("approvals:approvalrequest_decide", args=[self.request.pk])

    def test_approve_through_the_form(self):
        response = self.client_for(self.head).post(self.decide_url, {"decision": "approve", "comment": ""})
        self.assertRedirects(response, reverse("approvals:approvalrequest_detail", args=[self.request.pk]))
        self.request.refresh_from_db()
        self.assertEqual(self.request.current_tier, 1)

    def test_reject_without_a_reason_names_the_field(self):
        response = self.client_for(self.head).post(self.decide_url, {"decision": "reject", "comment": " "})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, 'data-field="comment"', status_code=422)
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, RequestStatus.PENDING)

    def test_an_unknown_decision_names_the_field(self):
        response = self.client_for(self.head).post(self.decide_url, {"decision": "perhaps"})
        self.assertContains(response, 'data-field="decision"', status_code=422)

    def test_deciding_twice_or_on_a_withdrawn_request_is_a_clear_error_not_a_500(self):
        client = self.client_for(self.head)
        client.cookies["whitewall_language"] = "en"
        self.assertEqual(client.post(self.decide_url, {"decision": "approve"}).status_code, 302)
        response = client.post(self.decide_url, {"decision": "approve"})
        self.assertContains(response, "nothing is waiting for your decision", status_code=422)
        services.approval_withdraw(actor=self.applicant, request=self.request)
        response = client.post(self.decide_url, {"decision": "reject", "comment": "迟到的意见"})
        self.assertContains(response, "can no longer be decided", status_code=422)

    def test_outsiders_are_refused(self):
        self.assertEqual(
            self.client_for(self.outsider).post(self.decide_url, {"decision": "approve"}).status_code, 403
        )
        self.assertEqual(
            self.client_for(self.applicant).post(self.decide_url, {"decision": "approve"}).status_code, 403
        )

    def test_withdraw_and_resubmit_through_the_pages(self):
        client = self.client_for(self.applicant)
        response = client.post(reverse("approvals:approvalrequest_withdraw", args=[self.request.pk]))
        self.assertEqual(response.status_code, 302)
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, RequestStatus.WITHDRAWN)
        self.assertContains(
            client.get(reverse("approvals:approvalrequest_detail", args=[self.request.pk])), "resubmit"
        )
        client.post(reverse("approvals:approvalrequest_resubmit", args=[self.request.pk]))
        self.request.refresh_from_db()
        self.assertEqual((self.request.status, self.request.round), (RequestStatus.PENDING, 2))
        response = self.client_for(self.head).post(
            reverse("approvals:approvalrequest_withdraw", args=[self.request.pk])
        )
        self.assertEqual(response.status_code, 403)

    def test_add_an_approver_and_cc_through_the_pages(self):
        client = self.client_for(self.head)
        response = client.post(
            reverse("approvals:approvalrequest_addapprover", args=[self.request.pk]),
            {"user": self.outsider.pk},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.request.tasks.filter(assignee=self.outsider, origin="added").exists())
        response = client.post(
            reverse("approvals:approvalrequest_addapprover", args=[self.request.pk]),
            {"user": self.applicant.pk},
        )
        self.assertContains(response, 'data-field="user"', status_code=422)
        response = client.post(
            reverse("approvals:approvalrequest_cc", args=[self.request.pk]), {"users": [self.finance.pk]}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.request.ccs.filter(user=self.finance).exists())
        response = client.post(reverse("approvals:approvalrequest_cc", args=[self.request.pk]), {"users": []})
        self.assertContains(response, 'data-field="users"', status_code=422)


class InboxTests(PeopleMixin, TestCase):
    def setUp(self):
        self.make_people()
        self.first = self.submit("报销一")
        self.second = self.submit("报销二")

    def test_to_do_done_and_cc_with_counts(self):
        client = self.client_for(self.head)
        page = client.get(reverse("approvals:inbox")).content.decode()
        self.assertIn('data-testid="inbox-count-todo">2<', page)
        self.assertIn("报销一", page)
        client.post(
            reverse("approvals:approvalrequest_decide", args=[self.first.pk]), {"decision": "approve"}
        )
        page = client.get(reverse("approvals:inbox")).content.decode()
        self.assertIn('data-testid="inbox-count-todo">1<', page)
        done = client.get(reverse("approvals:inbox") + "?box=done").content.decode()
        self.assertIn("报销一", done)
        self.assertNotIn("报销二", done)
        services.approval_cc(actor=self.applicant, request=self.second, users=[self.outsider])
        cc = self.client_for(self.outsider).get(reverse("approvals:inbox") + "?box=cc").content.decode()
        self.assertIn("报销二", cc)
        mine = self.client_for(self.applicant).get(reverse("approvals:inbox") + "?box=mine").content.decode()
        self.assertIn("报销一", mine)
        self.assertIn("报销二", mine)
        # An unknown box falls back to "to do".
        self.assertEqual(client.get(reverse("approvals:inbox") + "?box=<x>").status_code, 200)

    def test_the_sidebar_badge_counts_waiting_approvals_and_costs_pages_no_query(self):
        client = self.client_for(self.head)
        home = client.get(reverse("console:home")).content.decode()
        badge_url = reverse("console:menu_badge", args=["approvals:inbox"])
        self.assertIn(f'hx-get="{badge_url}"', home)
        self.assertContains(client.get(badge_url), ">2<")
        services.approval_decide(actor=self.head, request=self.first, decision="approve")
        self.assertContains(client.get(badge_url), ">1<")
        self.assertEqual(self.client_for(self.outsider).get(badge_url).content, b"")
        self.assertEqual(client.get(reverse("console:menu_badge", args=["no:such"])).status_code, 404)

    def test_a_delegate_sees_the_delegators_approvals(self):
        today = timezone.localdate()
        services.approval_delegate(actor=self.head, delegate=self.outsider, start=today, end=today)
        page = self.client_for(self.outsider).get(reverse("approvals:inbox")).content.decode()
        self.assertIn('data-testid="inbox-count-todo">2<', page)


class DelegationViewTests(PeopleMixin, TestCase):
    def setUp(self):
        self.make_people()
        self.client = self.client_for(self.head)
        self.url = reverse("approvals:delegation_mine")

    def test_create_and_end_a_delegation(self):
        today = timezone.localdate()
        self.assertEqual(self.client.get(self.url).status_code, 200)
        response = self.client.post(
            self.url,
            {"delegate": self.outsider.pk, "start": today, "end": today + datetime.timedelta(days=2)},
        )
        self.assertRedirects(response, self.url)
        delegation = Delegation.objects.get(delegator=self.head)
        self.assertEqual(delegation.process, "")
        # Someone else cannot end it; its owner can.
        other = self.client_for(self.outsider)
        self.assertEqual(
            other.post(reverse("approvals:delegation_end", args=[delegation.pk])).status_code, 404
        )
        self.client.post(reverse("approvals:delegation_end", args=[delegation.pk]))
        delegation.refresh_from_db()
        self.assertIsNotNone(delegation.ended_at)

    def test_bad_dates_name_the_field(self):
        today = timezone.localdate()
        response = self.client.post(
            self.url,
            {"delegate": self.outsider.pk, "start": today, "end": today - datetime.timedelta(days=1)},
        )
        self.assertContains(response, 'data-field="end"', status_code=422)
        response = self.client.post(self.url, {"delegate": "", "start": "not a date", "end": today})
        self.assertContains(response, 'data-field="start"', status_code=422)
        self.assertFalse(Delegation.objects.exists())


class TimelineTagTests(PeopleMixin, TestCase):
    def test_any_document_can_show_its_approval_timeline(self):
        self.make_people()
        request = self.submit("带时间线的报销")
        services.approval_decide(actor=self.head, request=request, decision="send_back", comment="请补充发票")
        document = request.document
        html = Template("{% load approvals %}{% approval_timeline document %}").render(
            Context({"document": document})
        )
        self.assertIn('data-testid="approval-timeline"', html)
        self.assertIn('data-kind="submitted"', html)
        self.assertIn('data-kind="sent_back"', html)
        self.assertIn("请补充发票", html)
        other = TestClaim.objects.create(applicant=self.applicant, amount=1, title="x")
        html = Template("{% load approvals %}{% approval_timeline document %}").render(
            Context({"document": other})
        )
        self.assertIn("has not been submitted", html)
