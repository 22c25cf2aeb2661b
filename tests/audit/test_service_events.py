"""Writes through the approval, regulation and API-token services leave audit events naming the
person who acted (through the API and the console, as people use them)."""

from __future__ import annotations

import json
from decimal import Decimal

from django.contrib.auth.models import Group
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from whitewall.accounts.models import APIToken, Department, StaffProfile, User
from whitewall.audit.models import AuditEvent
from whitewall.core.testing import api_rates, grant, login
from whitewall.regulation.models import CheckRun, RegulationVersion
from whitewall.regulation.testing import make_version
from whitewall.testapps.approvals.models import TestClaim


def person(username, role=None, department=None):
    user = User.objects.create_user(username=username, email=f"{username}@example.com", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if department:
        StaffProfile.objects.create(user=user, employee_no=f"E-{username}", department=department)
    return user


class EventsMixin:
    def setUp(self):
        super().setUp()
        self.enterContext(api_rates())
        self.head_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    def new_events(self, object_type=None, action=None):
        events = AuditEvent.objects.filter(seq__gt=self.head_seq).order_by("seq")
        if object_type:
            events = events.filter(object_type=object_type)
        if action:
            events = events.filter(action=action)
        return list(events)

    def client_for(self, user):
        client = Client()
        login(client, user)
        return client

    def post_json(self, user, url, data=None):
        return self.client_for(user).post(url, json.dumps(data or {}), content_type="application/json")


class ApprovalEventsTests(EventsMixin, TestCase):
    def setUp(self):
        super().setUp()
        department = Department.objects.get(code="operations")
        self.head = person("e_head", "department_head", department)
        department.head = self.head
        department.save()
        self.applicant = person("e_applicant", "operator", department)
        self.colleague = person("e_colleague", "operator", department)
        claim = TestClaim.objects.create(
            applicant=self.applicant, amount=Decimal("300"), title="打印纸", department=department
        )
        grant(self.applicant, TestClaim, ["view"])
        self.head_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        response = self.post_json(
            self.applicant,
            reverse("api:approvals-approvalrequest-submit"),
            {"document_type": "testapp_approvals.testclaim", "document_id": claim.pk},
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.request_id = response.json()["id"]

    def test_submitting_records_the_request_its_tasks_and_timeline_by_the_applicant(self):
        created = self.new_events(action="create")
        types = {event.object_type for event in created}
        self.assertLessEqual(
            {"approvals.approvalrequest", "approvals.approvaltask", "approvals.approvaltimelineentry"}, types
        )
        request_event = next(e for e in created if e.object_type == "approvals.approvalrequest")
        self.assertEqual(
            (request_event.actor_username, request_event.object_id), ("e_applicant", str(self.request_id))
        )

    def test_a_decision_is_recorded_with_its_decider(self):
        seq = AuditEvent.objects.order_by("-seq").first().seq
        url = reverse("api:approvals-approvalrequest-decide", kwargs={"pk": self.request_id})
        response = self.post_json(self.head, url, {"decision": "reject", "comment": "超出预算"})
        self.assertEqual(response.status_code, 200, response.content)
        events = [e for e in self.new_events("approvals.approvaltask", "update") if e.seq > seq]
        self.assertEqual(len(events), 1)
        event = events[0]
        self.assertEqual(event.actor_username, "e_head")
        self.assertEqual((event.after_data["decision"], event.after_data["comment"]), ("reject", "超出预算"))
        finished = [e for e in self.new_events("approvals.approvalrequest", "update") if e.seq > seq]
        self.assertEqual(finished[-1].after_data["status"], "rejected")

    def test_withdraw_cc_and_delegation_are_recorded(self):
        base = reverse("api:approvals-approvalrequest-cc", kwargs={"pk": self.request_id})
        self.assertEqual(
            self.post_json(self.applicant, base, {"users": [self.colleague.pk]}).status_code, 200
        )
        cc = self.new_events("approvals.approvalcc", "create")
        self.assertEqual([e.actor_username for e in cc], ["e_applicant"])
        url = reverse("api:approvals-approvalrequest-withdraw", kwargs={"pk": self.request_id})
        self.assertEqual(self.post_json(self.applicant, url, {"comment": "重填"}).status_code, 200)
        withdrawn = self.new_events("approvals.approvalrequest", "update")
        self.assertEqual(withdrawn[-1].after_data["status"], "withdrawn")
        self.assertEqual(withdrawn[-1].actor_username, "e_applicant")
        today = timezone.localdate().isoformat()
        response = self.post_json(
            self.head,
            reverse("api:approvals-delegation-list"),
            {"delegate": self.colleague.pk, "start": today, "end": today},
        )
        self.assertEqual(response.status_code, 201, response.content)
        delegation = self.new_events("approvals.delegation", "create")
        self.assertEqual(
            [(e.actor_username, e.object_id) for e in delegation], [("e_head", str(response.json()["id"]))]
        )
        url = reverse("api:approvals-delegation-end", kwargs={"pk": response.json()["id"]})
        self.assertEqual(self.post_json(self.head, url).status_code, 200)
        ended = self.new_events("approvals.delegation", "update")
        self.assertEqual([e.actor_username for e in ended], ["e_head"])
        self.assertTrue(ended[0].after_data["ended_at"])


class RegulationEventsTests(EventsMixin, TestCase):
    def test_publish_acknowledge_and_run_checks_are_recorded(self):
        manager = person("e_manager", "hr_officer")
        grant(manager, RegulationVersion, ["view", "publish"])
        grant(manager, CheckRun, ["view", "run"])
        make_version("1.0")
        draft = make_version("2.0", effective=timezone.localdate(), published=False)
        self.head_seq = AuditEvent.objects.order_by("-seq").first().seq
        url = reverse("api:regulation-regulationversion-publish", kwargs={"pk": draft.pk})
        self.assertEqual(self.post_json(manager, url).status_code, 200)
        published = self.new_events("regulation.regulationversion", "update")
        self.assertEqual([e.actor_username for e in published], ["e_manager"])
        self.assertTrue(published[0].after_data["published_at"])
        url = reverse("api:regulation-regulationversion-acknowledge", kwargs={"pk": draft.pk})
        self.assertEqual(self.post_json(manager, url).status_code, 201)
        acknowledged = self.new_events("regulation.acknowledgement", "create")
        self.assertEqual([e.actor_username for e in acknowledged], ["e_manager"])
        self.assertEqual(self.post_json(manager, reverse("api:regulation-checkrun-list")).status_code, 201)
        runs = self.new_events("regulation.checkrun")
        self.assertTrue(runs)
        self.assertEqual({e.actor_username for e in runs}, {"e_manager"})


class APITokenEventsTests(EventsMixin, TestCase):
    def test_making_and_revoking_a_token_is_recorded_without_its_key(self):
        owner = person("e_owner", "operator")
        client = self.client_for(owner)
        response = client.post(
            reverse("accounts:apitoken_own"), {"name": "备份脚本", "scope": "read", "days": 30}
        )
        self.assertEqual(response.status_code, 201)
        token = APIToken.objects.get(user=owner)
        created = self.new_events("accounts.apitoken", "create")
        self.assertEqual([e.actor_username for e in created], ["e_owner"])
        self.assertNotIn(token.key_hash, created[0].after)
        self.assertEqual(created[0].after_data["key_hash"], "******")
        response = client.post(reverse("accounts:apitoken_revoke", kwargs={"pk": token.pk}))
        self.assertEqual(response.status_code, 302)
        revoked = self.new_events("accounts.apitoken", "update")
        self.assertEqual([e.actor_username for e in revoked], ["e_owner"])
        self.assertTrue(revoked[0].after_data["revoked"])
