"""The regulation board's API: clauses with their latest status, versions (publish, acknowledge),
acknowledgements, check runs and snapshots."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from whitewall.core.testing import APITestCases
from whitewall.regulation.models import Acknowledgement, CheckRun, CheckSnapshot, Clause, RegulationVersion
from whitewall.regulation.services import check_run_execute
from whitewall.regulation.testing import make_staff, make_version


class ClauseAPITests(APITestCases.ReadOnlyAPITestCase):
    model = Clause

    def make_objects(self):
        return list(Clause.objects.order_by("sort_key")[:3])

    def test_each_clause_carries_its_latest_check_status(self):
        self.add_permissions("view")
        self.add_permissions("view", "run", model=CheckRun)
        self.add_permissions("view", model=CheckSnapshot)
        make_version("1.0")
        self.assertEqual(self.client.post(reverse("api:regulation-checkrun-list")).status_code, 201)
        body = self.client.get(reverse("api:regulation-clause-list"), {"q": "1.1", "page_size": 200}).json()
        row = next(row for row in body["results"] if row["code"] == "1.1")
        self.assertEqual(row["status"], "green")
        self.assertEqual(row["latest_check"]["status"], "green")
        self.assertTrue(row["latest_check"]["evidence_url"].startswith("/console/regulation/versions/"))

    def test_status_filter_is_the_boards(self):
        self.add_permissions("view")
        self.add_permissions("view", model=CheckSnapshot)
        make_staff("someone")
        run = check_run_execute(run=CheckRun.objects.create(trigger=CheckRun.Trigger.ON_DEMAND))
        red = {
            s.clause.code
            for s in CheckSnapshot.objects.filter(run=run, status="red").select_related("clause")
        }
        body = self.client.get(self.list_url(), {"status": "red", "page_size": 200}).json()
        self.assertEqual({row["code"] for row in body["results"]}, red)
        self.assertTrue(red)
        body = self.client.get(self.list_url(), {"status": "not_built", "page_size": 200}).json()
        self.assertTrue(all(row["status"] == "not_built" for row in body["results"]))
        response = self.client.get(self.list_url(), {"status": "purple"})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "status")


class RegulationVersionAPITests(APITestCases.ReadOnlyAPITestCase):
    model = RegulationVersion

    def make_objects(self):
        today = timezone.localdate()
        return [
            make_version("1.0", effective=today - datetime.timedelta(days=60)),
            make_version("2.0", effective=today - datetime.timedelta(days=10)),
            make_version("3.0", effective=today + datetime.timedelta(days=30), published=False),
        ]

    def test_versions_are_not_written_here(self):
        self.add_permissions("view", "add", "change", "delete")
        self.assertEqual(self.send("post", self.list_url(), {"number": "9"}).status_code, 405)
        self.assertEqual(self.client.delete(self.detail_url(self.objects[0])).status_code, 405)

    def test_acknowledge_the_version_in_force(self):
        self.add_permissions("view")
        current = self.objects[1]
        response = self.client.post(self.detail_url(current) + "acknowledge/")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertTrue(Acknowledgement.objects.filter(user=self.user, version=current).exists())
        self.assertTrue(self.client.get(self.detail_url(current)).json()["acknowledged_by_me"])
        self.assertTrue(self.client.get(self.detail_url(current)).json()["is_current"])
        again = self.client.post(self.detail_url(current) + "acknowledge/")
        self.assertEqual(again.status_code, 400)
        self.assertEqual(Acknowledgement.objects.filter(user=self.user).count(), 1)

    def test_an_old_version_cannot_be_acknowledged(self):
        self.add_permissions("view")
        response = self.client.post(self.detail_url(self.objects[0]) + "acknowledge/")
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.json()["errors"]["non_field_errors"][0])
        self.assertFalse(Acknowledgement.objects.exists())

    def test_acknowledge_outside_your_view_scope_is_not_found(self):
        self.add_permissions("view", constraints={"pk": self.objects[0].pk})
        response = self.client.post(self.detail_url(self.objects[1]) + "acknowledge/")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Acknowledgement.objects.exists())

    def test_publish_needs_the_publish_permission(self):
        draft = self.objects[2]
        self.add_permissions("view")
        self.assertEqual(self.client.post(self.detail_url(draft) + "publish/").status_code, 403)
        self.add_permissions("publish")
        response = self.client.post(self.detail_url(draft) + "publish/")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertTrue(response.json()["is_published"])
        draft.refresh_from_db()
        self.assertEqual(draft.published_by, self.user)
        again = self.client.post(self.detail_url(draft) + "publish/")
        self.assertEqual(again.status_code, 400)

    def test_published_filter_is_the_consoles(self):
        self.add_permissions("view")
        ids = self.result_ids(self.client.get(self.list_url(), {"published": "false"}))
        self.assertEqual(ids, {self.objects[2].pk})


class AcknowledgementAPITests(APITestCases.ReadOnlyAPITestCase):
    model = Acknowledgement

    def make_objects(self):
        version = make_version("1.0")
        return [Acknowledgement.objects.create(user=make_staff(f"s{i}"), version=version) for i in range(3)]

    def test_own_acknowledgements_only_with_the_roles_constraint(self):
        mine = Acknowledgement.objects.create(user=self.user, version=self.objects[0].version)
        self.add_permissions("view", constraints={"user": "$user"})
        self.assertEqual(self.result_ids(self.client.get(self.list_url())), {mine.pk})


class CheckRunAPITests(APITestCases.ReadOnlyAPITestCase):
    model = CheckRun

    def make_objects(self):
        return [
            CheckRun.objects.create(trigger=CheckRun.Trigger.SCHEDULED, counts={"green": i}) for i in range(3)
        ]

    def test_run_checks_now_needs_the_run_permission(self):
        self.add_permissions("view")
        before = CheckRun.objects.count()
        self.assertEqual(self.client.post(self.list_url()).status_code, 403)
        self.assertEqual(CheckRun.objects.count(), before)

    def test_run_checks_now(self):
        self.add_permissions("view", "run")
        response = self.client.post(self.list_url())
        self.assertEqual(response.status_code, 201, response.content)
        run = CheckRun.objects.get(pk=response.json()["id"])
        self.assertEqual((run.trigger, run.triggered_by), (CheckRun.Trigger.ON_DEMAND, self.user))
        self.assertIsNotNone(run.finished_at)
        self.assertEqual(sum(run.counts.values()), Clause.objects.count())
        self.assertEqual(run.snapshots.count(), sum(v for k, v in run.counts.items() if k != "not_built"))


class CheckSnapshotAPITests(APITestCases.ReadOnlyAPITestCase):
    model = CheckSnapshot

    def make_objects(self):
        run = CheckRun.objects.create(trigger=CheckRun.Trigger.SCHEDULED)
        clauses = list(Clause.objects.order_by("sort_key")[:3])
        return [
            CheckSnapshot.objects.create(run=run, clause=clause, status="amber", explanation=f"e{i}")
            for i, clause in enumerate(clauses)
        ]

    def test_filter_by_clause_and_status(self):
        self.add_permissions("view")
        target = self.objects[1]
        ids = self.result_ids(self.client.get(self.list_url(), {"clause": target.clause.code}))
        self.assertEqual(ids, {target.pk})
        self.assertEqual(self.result_ids(self.client.get(self.list_url(), {"status": "green"})), set())
        response = self.client.get(self.list_url(), {"status": "blue"})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "status")
