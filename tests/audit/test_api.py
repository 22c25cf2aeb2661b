"""The audit trail's API: events (read only, the explorer's filters), checkpoints, verification
jobs and anomaly reviews, each through the API battery and what is particular to it."""

from __future__ import annotations

from django.urls import reverse

from whitewall.audit.db import audit_bypass
from whitewall.audit.models import Action, AnomalyReview, AuditEvent
from whitewall.audit.services import record, write_checkpoint
from whitewall.audit.tasks import VERIFY_TASK
from whitewall.core.models import Job
from whitewall.core.testing import APITestCases


class AuditEventAPITests(APITestCases.ReadOnlyAPITestCase):
    model = AuditEvent

    def make_objects(self):
        return [
            record(action=Action.OTHER, object_type="tests.thing", object_id=i, object_repr=f"thing {i}")
            for i in range(3)
        ]

    def test_events_cannot_be_written_through_the_api(self):
        self.add_permissions("view", "add", "change", "delete", "verify")
        event = self.objects[0]
        self.assertEqual(self.send("post", self.list_url(), {"action": "create"}).status_code, 405)
        self.assertEqual(self.send("patch", self.detail_url(event), {"action": "x"}).status_code, 405)
        self.assertEqual(self.client.delete(self.detail_url(event)).status_code, 405)
        self.assertEqual(AuditEvent.objects.get(seq=event.seq).hash, event.hash)

    def test_detail_shows_the_chain_fields_and_parsed_values(self):
        self.add_permissions("view")
        event = record(
            action=Action.UPDATE, object_type="tests.thing", object_id=9, before={"a": 1}, after={"a": 2}
        )
        body = self.client.get(self.detail_url(event)).json()
        self.assertEqual((body["seq"], body["before"], body["after"]), (event.seq, {"a": 1}, {"a": 2}))
        self.assertEqual(body["hash"], event.hash)
        self.assertEqual(body["prev_hash"], event.prev_hash)

    def test_filters_are_the_explorers(self):
        self.add_permissions("view")
        denied = record(action=Action.PERMISSION_DENIED, object_type="tests.thing", object_id=42)
        response = self.client.get(self.list_url(), {"action": "permission_denied"})
        self.assertEqual(self.result_ids(response), {denied.seq})
        response = self.client.get(self.list_url(), {"object_id": "1", "object_type": "accounts.user"})
        self.assertEqual(response.status_code, 200)
        response = self.client.get(self.list_url(), {"action": "no-such-action"})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "action")

    def test_newest_events_come_first(self):
        self.add_permissions("view")
        rows = self.client.get(self.list_url(), {"page_size": 2}).json()["results"]
        self.assertEqual([row["id"] for row in rows], sorted((row["id"] for row in rows), reverse=True))

    def test_verify_needs_the_verify_permission(self):
        self.add_permissions("view")
        url = reverse("api:audit-auditevent-verify")
        self.assertEqual(self.client.post(url).status_code, 403)
        self.assertFalse(Job.objects.filter(task=VERIFY_TASK).exists())

    def test_verify_runs_the_verification_as_a_job(self):
        self.add_permissions("view", "verify")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("api:audit-auditevent-verify"))
        self.assertEqual(response.status_code, 202, response.content)
        job = Job.objects.get(pk=response.json()["id"])
        self.assertEqual(job.status, Job.SUCCEEDED, job.error)
        self.assertTrue(job.result["ok"])
        self.assertEqual(job.result["last_seq"], AuditEvent.objects.order_by("-seq").first().seq)
        # The job can be followed through the API.
        body = self.client.get(reverse("api:audit-verification-detail", kwargs={"pk": job.pk})).json()
        self.assertEqual((body["status"], body["result"]["ok"]), ("succeeded", True))

    def test_verify_reports_a_changed_event(self):
        self.add_permissions("view", "verify")
        target = self.objects[1]
        with audit_bypass():
            AuditEvent.objects.filter(seq=target.seq).update(object_repr="forged")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("api:audit-auditevent-verify"))
        job = Job.objects.get(pk=response.json()["id"])
        self.assertFalse(job.result["ok"])
        self.assertEqual(job.result["first_bad_seq"], target.seq)


class VerificationAPITests(APITestCases.ReadOnlyAPITestCase):
    model = Job
    api_basename = "audit-verification"

    def make_objects(self):
        return [Job.objects.create(name="Verify the audit chain", task=VERIFY_TASK) for _ in range(2)]

    # Verification jobs are governed by the verify permission on audit events, not by job rows.
    def add_permissions(self, *actions, constraints=None, model=None):
        if model is None:
            actions = tuple("verify" if action == "view" else action for action in actions)
            model = AuditEvent
        return super().add_permissions(*actions, constraints=constraints, model=model)

    def test_get_object_with_constrained_permission(self):
        self.skipTest("verification jobs are all or nothing: the verify permission holds no row constraint")

    def test_list_objects_with_constrained_permission_shows_only_permitted_rows(self):
        self.skipTest("verification jobs are all or nothing: the verify permission holds no row constraint")

    def test_other_jobs_are_not_listed(self):
        other = Job.objects.create(name="Something else", task="core.other")
        self.add_permissions("view")
        ids = self.result_ids(self.client.get(self.list_url()))
        self.assertNotIn(other.pk, ids)
        self.assertEqual(ids, {job.pk for job in self.objects})


class CheckpointAPITests(APITestCases.ListObjectsAPITestCase):
    model = AuditEvent
    api_basename = "audit-checkpoint"

    def make_objects(self):
        return [record(action=Action.OTHER, object_type="tests.thing", object_id=i) for i in range(2)]

    def test_list_objects_with_permission(self):
        record(action=Action.OTHER, object_type="tests.thing", object_id=3)
        mark = write_checkpoint()
        self.add_permissions("view")
        rows = self.client.get(self.list_url()).json()
        self.assertEqual(rows[0]["seq"], mark.seq)
        self.assertEqual(rows[0]["hash"], mark.hash)
        self.assertTrue(rows[0]["valid"])

    def test_list_objects_with_constrained_permission_shows_only_permitted_rows(self):
        self.skipTest("checkpoints are a signed file, not rows: reading them needs audit.view_auditevent")


class AnomalyReviewAPITests(
    APITestCases.GetObjectAPITestCase,
    APITestCases.ListObjectsAPITestCase,
    APITestCases.CreateObjectAPITestCase,
):
    model = AnomalyReview
    invalid_field = "event"

    def make_objects(self):
        reviews = []
        for index in range(2):
            event = record(action=Action.LOGIN_FAILED, object_type="accounts.user", object_id=index)
            reviews.append(AnomalyReview.objects.create(event_seq=event.seq, reviewer_username="someone"))
        return reviews

    def get_create_data(self):
        event = record(action=Action.LOCKOUT, object_type="accounts.user", object_id=77)
        self.add_permissions("view", model=AuditEvent)
        return {"event": event.seq, "note": "已核实：本人忘记密码"}

    @property
    def invalid_data(self):
        event = record(action=Action.UPDATE, object_type="tests.thing", object_id=5)
        self.add_permissions("view", model=AuditEvent)
        return {"event": event.seq, "note": "not a security event"}

    def test_create_object_with_permission(self):
        super().test_create_object_with_permission()
        review = AnomalyReview.objects.order_by("-pk").first()
        self.assertEqual(review.reviewer_username, self.user.username)
        self.assertEqual(review.note, "已核实：本人忘记密码")

    def test_an_event_is_reviewed_once(self):
        self.add_permissions("view", "add")
        self.add_permissions("view", model=AuditEvent)
        response = self.send("post", self.list_url(), {"event": self.objects[0].event_seq})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "event")

    def test_an_event_you_may_not_see_cannot_be_reviewed(self):
        self.add_permissions("view", "add")
        event = record(action=Action.LOCKOUT, object_type="accounts.user", object_id=78)
        response = self.send("post", self.list_url(), {"event": event.seq})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(AnomalyReview.objects.filter(event_seq=event.seq).exists())

    def test_pending_lists_security_events_nobody_reviewed(self):
        self.add_permissions("view")
        self.add_permissions("view", model=AuditEvent)
        waiting = record(action=Action.MFA_FAILED, object_type="accounts.user", object_id=3)
        rows = self.client.get(reverse("api:audit-anomalyreview-pending")).json()["results"]
        seqs = {row["seq"] for row in rows}
        self.assertIn(waiting.seq, seqs)
        self.assertFalse(seqs & {review.event_seq for review in self.objects})
