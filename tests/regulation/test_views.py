"""The board, clause pages, the report, versions (view battery) and the acknowledgement flow."""

import datetime
import json
import re

from django.contrib.auth.models import Group
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from whitewall.core.testing import ViewTestCases, assert_query_baseline, login
from whitewall.regulation import services
from whitewall.regulation.models import Acknowledgement, CheckRun, RegulationVersion
from whitewall.regulation.testing import make_staff, make_version, with_role


class RegulationVersionViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = RegulationVersion
    form_data = {"number": "3.0", "name": "第三版", "effective_date": "2027-01-01", "summary": "修订"}
    invalid_form_data = {"number": "bad number!", "name": "x", "effective_date": "2027-01-01"}
    invalid_field = "number"

    def make_objects(self):
        return [make_version(f"2.{i}", published=False) for i in range(3)]

    def test_a_published_version_cannot_be_edited_or_deleted(self):
        self.add_permissions("view", "change", "delete")
        version = make_version("1.0")
        response = self.client.post(self.url("edit", version), self.form_data)
        self.assertEqual(response.status_code, 422)
        self.client.post(self.url("delete", version))
        self.assertTrue(RegulationVersion.objects.filter(pk=version.pk).exists())
        version.refresh_from_db()
        self.assertEqual(version.number, "1.0")

    def test_publish_needs_the_publish_permission(self):
        self.add_permissions("view", "change")
        version = self.objects[0]
        url = reverse("regulation:regulationversion_publish", kwargs={"pk": version.pk})
        self.assertEqual(self.client.post(url).status_code, 403)
        self.add_permissions("publish")
        response = self.client.post(url)
        self.assertEqual(response.status_code, 302)
        version.refresh_from_db()
        self.assertTrue(version.is_published)
        self.assertEqual(version.published_by, self.user)

    def test_version_managers_by_default_are_system_admin_and_operations_manager(self):
        version = self.objects[0]
        url = reverse("regulation:regulationversion_publish", kwargs={"pk": version.pk})
        with_role(self.user, "operator")
        self.assertEqual(self.client.post(url).status_code, 403)
        with_role(self.user, "operations_manager")
        self.assertEqual(self.client.post(url).status_code, 302)
        version.refresh_from_db()
        self.assertTrue(version.is_published)

    def test_detail_shows_who_still_has_to_acknowledge_with_reminders(self):
        with_role(self.user, "operations_manager")
        version = make_version("1.0")
        done, pending = make_staff("done_person"), make_staff("pending_person")
        Acknowledgement.objects.create(user=done, version=version)
        services.acknowledgement_reminders_send()
        content = self.client.get(self.url("detail", version)).content.decode()
        self.assertIn('data-testid="acknowledgement-progress"', content)
        pending_list = content.split('data-testid="pending-list"')[1].split("</ul>")[0]
        self.assertIn(str(pending), pending_list)
        self.assertNotIn(str(done), pending_list)
        self.assertIn('data-reminders="1"', pending_list)


class BoardTests(TestCase):
    def setUp(self):
        self.user = make_staff("viewer", role="operator")
        self.client = Client()
        login(self.client, self.user)

    def test_every_staff_role_reads_the_board(self):
        from allauth.mfa.models import Authenticator

        for role in Group.objects.all():
            person = make_staff(f"p_{role.name}", role=role.name)
            Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={})
            client = Client()
            login(client, person)
            self.assertEqual(client.get(reverse("regulation:board")).status_code, 200, role.name)

    def test_a_staff_member_without_any_role_is_refused(self):
        client = Client()
        login(client, make_staff("norole", role=None))
        self.assertEqual(client.get(reverse("regulation:board")).status_code, 403)

    def test_board_shows_chapters_clauses_statuses_and_counts(self):
        make_version("1.0")
        services.checks_run_now(actor=None)
        response = assert_query_baseline(
            "regulation.board", lambda: self.client.get(reverse("regulation:board"))
        )
        content = response.content.decode()
        self.assertEqual(content.count('data-testid="chapter"'), 6)
        self.assertEqual(content.count('data-testid="clause-row"'), 57)
        row = content.split('data-code="1.1"')[1].split("</tr>")[0]
        self.assertIn('data-status="green"', row)
        self.assertIn('href="/console/regulation/versions/', row)
        row = content.split('data-code="3.1.2"')[1].split("</tr>")[0]
        self.assertIn('data-status="not_built"', row)
        self.assertIn('data-testid="not-built"', row)
        counts = response.context["counts"]
        self.assertEqual(sum(counts.values()), 57)
        self.assertIn(f'data-testid="count-not_built">{counts["not_built"]}<', content)

    def test_the_status_filter_shows_only_matching_clauses(self):
        make_version("1.0")
        services.checks_run_now(actor=None)
        content = self.client.get(reverse("regulation:board") + "?status=green").content.decode()
        codes = re.findall(r'data-testid="clause-row" data-code="([^"]+)"', content)
        self.assertIn("1.1", codes)
        self.assertNotIn("2.3.2", codes)

    def test_the_trend_reaches_the_chart_through_json_script(self):
        make_version("1.0", published_at=timezone.now() - datetime.timedelta(days=20))
        services.check_run_recompute(as_of=timezone.now() - datetime.timedelta(days=25))
        services.checks_run_now(actor=None)
        content = self.client.get(reverse("regulation:board")).content.decode()
        raw = content.split('id="regulation-trend-data" type="application/json">')[1].split("</script>")[0]
        trend = json.loads(raw)
        self.assertEqual(len(trend["dates"]), 2)
        self.assertEqual(trend["recomputed"], [True, False])
        red = next(s for s in trend["series"] if s["key"] == "red")
        green = next(s for s in trend["series"] if s["key"] == "green")
        self.assertGreaterEqual(red["data"][0], 1)  # 1.1 was red before publication
        self.assertGreaterEqual(green["data"][1], 1)
        self.assertIn("vendor/echarts/echarts.min.js", content)
        self.assertIn("regulation/regulation.js", content)

    def test_run_checks_now_is_permission_gated(self):
        url = reverse("regulation:checkrun_run")
        self.assertNotIn(
            'data-testid="run-checks"', self.client.get(reverse("regulation:board")).content.decode()
        )
        self.assertEqual(self.client.post(url).status_code, 403)
        self.assertEqual(CheckRun.objects.count(), 0)
        for role in ("system_admin", "security_officer", "operations_manager", "executive"):
            person = make_staff(f"runner_{role}", role=role)
            client = Client()
            login(client, person)
            if role in ("system_admin", "security_officer", "executive"):
                from allauth.mfa.models import Authenticator

                Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={})
            response = client.post(url)
            self.assertEqual(response.status_code, 302, role)
        self.assertEqual(CheckRun.objects.count(), 4)
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_the_home_card_and_banner(self):
        version = make_version("1.0")
        services.checks_run_now(actor=None)
        content = self.client.get(reverse("console:home")).content.decode()
        self.assertIn("/console/regulation/?status=green", content)
        self.assertIn('data-testid="acknowledgement-banner"', content)
        Acknowledgement.objects.create(user=self.user, version=version)
        content = self.client.get(reverse("console:home")).content.decode()
        self.assertNotIn('data-testid="acknowledgement-banner"', content)


class ClauseDetailTests(TestCase):
    def setUp(self):
        self.client = Client()
        login(self.client, make_staff("viewer", role="auditor"))

    def test_clause_detail_shows_text_features_history_and_policy_sections(self):
        make_version("1.0")
        services.checks_run_now(actor=None)
        services.checks_run_now(actor=None)
        url = reverse("regulation:clause_detail", kwargs={"code": "1.3.2"})
        response = assert_query_baseline("regulation.clause.detail", lambda: self.client.get(url))
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertIn("规范性", content)  # the title in the active language (Chinese by default)
        self.assertIn('data-testid="clause-text"', content)
        self.assertEqual(len(response.context["history"]), 2)
        self.assertIn('href="/console/policy/#policy-regulation"', content)
        self.assertIn('href="/console/policy/#policy-approvals"', content)
        self.assertIn('id="regulation-history-data"', content)

    def test_a_clause_whose_module_does_not_exist_says_so(self):
        content = self.client.get(
            reverse("regulation:clause_detail", kwargs={"code": "3.1.2"})
        ).content.decode()
        self.assertIn('data-testid="not-built"', content)
        self.assertIn('data-status="not_built"', content)

    def test_an_unknown_clause_is_not_found(self):
        self.assertEqual(
            self.client.get(reverse("regulation:clause_detail", kwargs={"code": "9.9.9"})).status_code, 404
        )

    def test_the_policy_page_links_to_clause_pages(self):
        content = self.client.get(reverse("console:policy")).content.decode()
        self.assertIn('href="/console/regulation/clauses/4.1.1/"', content)


class ReportTests(TestCase):
    def test_the_printable_report_renders_every_clause_with_a_print_button(self):
        client = Client()
        login(client, make_staff("viewer", role="marketing"))
        make_version("1.0")
        services.checks_run_now(actor=None)
        response = assert_query_baseline(
            "regulation.report", lambda: client.get(reverse("regulation:report"))
        )
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertEqual(content.count('class="ww-report-clause'), 57)
        self.assertIn("data-print", content)
        self.assertIn("regulation/report.css", content)
        self.assertIn("regulation/report.js", content)
        self.assertIn("http://testserver/console/regulation/versions/", content)  # absolute evidence links


class AcknowledgementFlowTests(TestCase):
    def setUp(self):
        self.user = make_staff("reader", role="tech_support")
        self.client = Client()
        login(self.client, self.user)
        self.url = reverse("regulation:acknowledgement_mine")

    def test_nothing_to_acknowledge_without_a_version(self):
        self.assertIn('data-testid="no-version"', self.client.get(self.url).content.decode())

    def test_read_then_acknowledge_the_version_in_force(self):
        version = make_version("1.0")
        content = self.client.get(self.url).content.decode()
        self.assertIn('data-testid="acknowledgement-due"', content)
        self.assertIn("系统安全审计", content)  # the regulation to read
        response = self.client.post(self.url, {"version": version.pk})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Acknowledgement.objects.filter(user=self.user, version=version).exists())
        content = self.client.get(self.url).content.decode()
        self.assertIn('data-testid="acknowledged"', content)
        # Twice is refused with a message, never a second row or an error page.
        response = self.client.post(self.url, {"version": version.pk}, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Acknowledgement.objects.count(), 1)

    def test_bad_input_is_refused_with_a_message(self):
        make_version("1.0")
        old = make_version("0.9", effective=timezone.localdate() - datetime.timedelta(days=300))
        for data in ({}, {"version": "abc"}, {"version": "999999"}, {"version": old.pk}):
            response = self.client.post(self.url, data, follow=True)
            self.assertEqual(response.status_code, 200)
            self.assertIn("alert-danger", response.content.decode())
        self.assertEqual(Acknowledgement.objects.count(), 0)

    def test_a_staff_member_without_a_role_can_still_acknowledge(self):
        version = make_version("1.0")
        client = Client()
        person = make_staff("norole", role=None)
        login(client, person)
        self.assertEqual(client.post(self.url, {"version": version.pk}).status_code, 302)
        self.assertTrue(Acknowledgement.objects.filter(user=person).exists())
