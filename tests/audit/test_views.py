"""The audit explorer, the detail diff, the History tab, the review queue; nobody can change events."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import NoReverseMatch, reverse

from whitewall.accounts.models import Department, User
from whitewall.audit.models import Action, AnomalyReview, AuditEvent
from whitewall.audit.services import record
from whitewall.core.testing import ViewTestCases, login


class AuditEventViewTests(ViewTestCases.ListObjectsViewTestCase, ViewTestCases.GetObjectViewTestCase):
    model = AuditEvent
    list_query = "?action=other"

    def make_objects(self):
        return [
            record(action=Action.OTHER, object_repr="first thing"),
            record(action=Action.OTHER, object_repr="second thing"),
        ]


def staff(username, *roles):
    user = User.objects.create_user(username=username, is_staff=True)
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    # Roles that must use two-factor authentication have it (the console insists).
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "test"})
    client = Client()
    login(client, user)
    return user, client


@pytest.mark.django_db
def test_there_are_no_views_that_change_events():
    for action in ("add", "edit", "delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"audit:auditevent_{action}", kwargs={"pk": 1} if action != "add" else None)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["security_officer", "system_admin", "auditor", "executive"])
def test_the_readers_see_the_trail_but_get_no_write_buttons(role):
    _user, client = staff(f"reader.{role}", role)
    event = record(action=Action.OTHER, object_repr="readable")
    assert client.get(reverse("audit:auditevent_list")).status_code == 200
    page = client.get(event.get_absolute_url()).content.decode()
    assert "readable" in page
    assert 'data-testid="edit-button"' not in page and "bulk_action" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["operator", "hr_officer", "finance_officer", "department_head"])
def test_other_roles_cannot_read_the_trail(role):
    _user, client = staff(f"other.{role}", role)
    assert client.get(reverse("audit:auditevent_list")).status_code == 403


@pytest.mark.django_db
def test_the_list_filters_by_actor_action_object_type_and_time():
    from django.utils import timezone

    _user, client = staff("filterer", "auditor")
    department = Department.objects.create(name="Filtered", code="filtered")
    row = f'href="{reverse("accounts:department_detail", kwargs={"pk": department.pk})}"'
    url = reverse("audit:auditevent_list")

    def shown(**params):
        response = client.get(url, {"per_page": 200, **params})
        assert response.status_code == 200
        return row in response.content.decode()

    assert shown(object_type="accounts.department", action="create")
    assert not shown(object_type="accounts.position")
    assert not shown(action="delete", object_type="accounts.department")
    assert not shown(actor="filterer")  # the test itself created it, not this user
    today = timezone.localdate().isoformat()
    assert shown(since=today, until=today, object_id=department.pk, object_type="accounts.department")
    assert not shown(until="2000-01-01")
    assert not shown(since="not a date")  # bad input: an error on the field, no rows, no 500


@pytest.mark.django_db
def test_the_detail_shows_before_and_after_side_by_side():
    _user, client = staff("differ", "auditor")
    department = Department.objects.create(name="Before name", code="diffed")
    department.name = "After name"
    department.save()
    event = AuditEvent.objects.filter(action="update", object_type="accounts.department").latest("seq")
    page = client.get(event.get_absolute_url()).content.decode()
    assert 'data-testid="audit-diff"' in page
    diff = page[page.index('data-testid="audit-diff"') :]
    assert diff.index("Before name") < diff.index("After name")
    assert 'data-testid="hash-ok"' in page
    assert reverse("accounts:department_detail", kwargs={"pk": department.pk}) in page


@pytest.mark.django_db
def test_the_csv_export_of_the_trail_is_itself_audited():
    _user, client = staff("exporter", "auditor")
    record(action=Action.OTHER, object_repr="to export")
    response = client.get(reverse("audit:auditevent_list") + "?export=csv&action=other")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "to export" in content
    export = AuditEvent.objects.filter(action=Action.EXPORT).latest("seq")
    assert (export.object_type, export.actor_username) == ("audit.auditevent", "exporter")


@pytest.mark.django_db
def test_every_detail_page_has_a_history_tab_for_audit_readers():
    department = Department.objects.create(name="With history", code="with-history")
    department.description = "edited"
    department.save()
    url = reverse("accounts:department_detail", kwargs={"pk": department.pk})
    _user, client = staff("historian", "auditor")
    assert "?tab=history" in client.get(url).content.decode()
    partial = client.get(url + "?tab=history", headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="object-history"' in partial
    assert partial.count("/console/audit/") >= 2  # the create and the update
    assert "description" in partial
    # Someone who may see the department but not the audit trail gets no History tab.
    _user, client = staff("hr.only", "hr_officer")
    assert "?tab=history" not in client.get(url).content.decode()
    assert client.get(url + "?tab=history", headers={"HX-Request": "true"}).status_code == 404


@pytest.mark.django_db
def test_anomalies_are_reviewed_one_by_one_or_in_bulk():
    officer, client = staff("officer", "security_officer")
    failures = [
        record(action=Action.LOGIN_FAILED, object_repr=f"guess{i}", object_type="accounts.user")
        for i in range(3)
    ]
    queue = reverse("audit:auditevent_anomalies")
    page = client.get(queue, {"reviewed": "false", "per_page": 200}).content.decode()
    assert all(f"guess{i}" in page for i in range(3))
    response = client.post(
        reverse("audit:auditevent_review", kwargs={"pk": failures[0].seq}), {"note": "known tester"}
    )
    assert response.status_code == 302
    review = AnomalyReview.objects.get(event_seq=failures[0].seq)
    assert (review.reviewer_username, review.note) == ("officer", "known tester")
    client.post(queue + "?reviewed=false", {"bulk_action": "review", "pk": [f.seq for f in failures]})
    assert AnomalyReview.objects.filter(event_seq__in=[f.seq for f in failures]).count() == 3
    page = client.get(queue, {"reviewed": "false", "per_page": 200}).content.decode()
    assert "guess1" not in page
    # The review itself is audited.
    assert AuditEvent.objects.filter(object_type="audit.anomalyreview", action="create").count() >= 3


@pytest.mark.django_db
def test_only_security_officers_review_and_only_anomalies():
    _user, auditor = staff("reader", "auditor")
    failure = record(action=Action.LOCKOUT, object_repr="someone")
    url = reverse("audit:auditevent_review", kwargs={"pk": failure.seq})
    assert auditor.post(url).status_code == 403
    assert "bulk_action" not in auditor.get(reverse("audit:auditevent_anomalies")).content.decode()
    _user, officer = staff("officer2", "security_officer")
    harmless = record(action=Action.OTHER)
    officer.post(reverse("audit:auditevent_review", kwargs={"pk": harmless.seq}))
    assert not AnomalyReview.objects.filter(event_seq=harmless.seq).exists()
    response = officer.post(url, {"note": "x" * 600})
    assert response.status_code == 302 and not AnomalyReview.objects.filter(event_seq=failure.seq).exists()
    assert officer.post(reverse("audit:auditevent_review", kwargs={"pk": 10**9})).status_code == 404


@pytest.mark.django_db
def test_verifiers_start_a_verification_of_the_chain_from_the_explorer(django_capture_on_commit_callbacks):
    from whitewall.audit.tasks import VERIFY_TASK
    from whitewall.core.models import Job

    user, client = staff("verifier", "security_officer")
    record(action=Action.OTHER, object_repr="one")
    record(action=Action.OTHER, object_repr="two")
    page = client.get(reverse("audit:auditevent_list")).content.decode()
    assert 'data-testid="verify-chain"' in page
    assert client.get(reverse("audit:auditevent_verify")).status_code == 405  # a POST starts it
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:auditevent_verify"))
    job = Job.objects.get(task=VERIFY_TASK, created_by=user)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == Job.SUCCEEDED, job.error
    assert job.result["ok"] and job.result["last_seq"] == AuditEvent.objects.order_by("-seq").first().seq
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    # The job's page leads with the result's summary and shows the rest as readable JSON.
    assert 'data-testid="job-result-summary"' in html
    events = AuditEvent.objects.count()
    assert f"审计日志哈希链完整：共 {events} 条事件" in html  # in the reader's language
    client.cookies["whitewall_language"] = "en"
    english = client.get(job.get_absolute_url()).content.decode()
    assert f"Audit chain intact: {events} events" in english
    assert "&quot;ok&quot;: true" in html and "&quot;first_bad_seq&quot;: null" in html


@pytest.mark.django_db
def test_readers_who_may_not_verify_get_no_verify_button_and_are_refused():
    from whitewall.audit.tasks import VERIFY_TASK
    from whitewall.core.models import Job

    _user, client = staff("reader.only", "executive")
    page = client.get(reverse("audit:auditevent_list")).content.decode()
    assert 'data-testid="verify-chain"' not in page
    assert client.post(reverse("audit:auditevent_verify")).status_code == 403
    assert not Job.objects.filter(task=VERIFY_TASK).exists()


def test_a_verification_summary_is_translated_when_shown_and_names_the_first_problem():
    from django.utils import translation

    from whitewall.audit.services import Checkpoint, Problem, VerifyResult
    from whitewall.core.templatetags.ww import result_summary

    broken = VerifyResult(ok=False, count=9, last_seq=9)
    broken.problems += [Problem(7, "checkpoint", "x"), Problem(4, "missing", "events #4..#5 are missing")]
    with translation.override("zh-hans"):
        deleted = translation.gettext("deleted")
        assert deleted != "deleted"  # the kind's label, as the regulation board says it
        assert (
            result_summary(broken.as_dict()) == f"审计日志哈希链在事件 #4 处断裂：{deleted}（共 2 处问题）。"
        )
    with translation.override("en"):
        assert result_summary(broken.as_dict()) == (
            "Audit chain BROKEN at event #4: deleted (2 problems in all)."
        )
    intact = VerifyResult(
        ok=True, count=3, last_seq=3, checkpoint=Checkpoint(3, "h", 3, "2026-12-01T00:00", "")
    )
    with translation.override("zh-hans"):
        assert "最近的检查点在 #3（2026-12-01T00:00）" in result_summary(intact.as_dict())
    # The English line of the command line stays as it was; a result without a message keeps its text.
    assert broken.summary().startswith("audit chain BROKEN at event #4: events #4..#5 are missing")
    assert result_summary({"summary": "plain"}) == "plain"
    assert (
        result_summary({"summary": "plain", "summary_message": {"msgid": "%(missing)s", "params": {}}})
        == "plain"
    )
    assert result_summary(None) == ""
