"""Staff personal data (clause 6.1.2): encrypted at rest, masked, revealed with a permission and
announced for the audit trail; exports mask unless the user may reveal."""

from __future__ import annotations

import io
from contextlib import contextmanager

from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client, TestCase
from django.urls import reverse

from whitewall.accounts import selectors
from whitewall.accounts.models import Department, ObjectPermission, StaffProfile, User
from whitewall.core.signals import revealed
from whitewall.core.testing import grant, login

NATIONAL_ID = "11010519491231002X"
MOBILE = "13912345678"
EMAIL = "li.si.home@example.org"
BANK = "6217000000000030"
CLEAR = (NATIONAL_ID, MOBILE, EMAIL, BANK)


@contextmanager
def capture_reveals():
    events = []

    def receiver(sender, **kwargs):
        events.append({"sender": sender, **kwargs})

    revealed.connect(receiver, dispatch_uid="test-capture-reveals")
    try:
        yield events
    finally:
        revealed.disconnect(dispatch_uid="test-capture-reveals")


class PersonalDataTests(TestCase):
    def setUp(self):
        self.department = Department.objects.get(code="operations")
        person = User.objects.create_user(username="li.si", email="li.si@example.com", is_staff=True)
        self.profile = StaffProfile.objects.create(
            user=person,
            employee_no="P001",
            department=self.department,
            national_id=NATIONAL_ID,
            mobile=MOBILE,
            personal_email=EMAIL,
            bank_account=BANK,
        )
        other = User.objects.create_user(username="wang.wu", email="wang.wu@example.com", is_staff=True)
        self.other = StaffProfile.objects.create(
            user=other, employee_no="P002", department=self.department, mobile="13700001111"
        )
        self.user = User.objects.create_user(username="tester", email="tester@example.com", is_staff=True)
        self.client = Client()
        login(self.client, self.user)

    def reveal_url(self, profile=None):
        return reverse("accounts:staffprofile_reveal", kwargs={"pk": (profile or self.profile).pk})

    # --- at rest ------------------------------------------------------------------------------
    def test_raw_rows_hold_no_plaintext(self):
        table = connection.ops.quote_name(StaffProfile._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [self.profile.pk])  # noqa: S608
            columns = [c[0] for c in cursor.description]
            row = dict(zip(columns, cursor.fetchone(), strict=True))
        stored = " ".join(str(value) for value in row.values())
        for clear in (*CLEAR, "1101051949", "12345678", "li.si.home", "000000030"):
            self.assertNotIn(clear, stored)
        keyring = Fernet(settings.WHITEWALL_ENCRYPTION_KEYS[0])
        for column, clear in zip(
            ("national_id", "mobile", "personal_email", "bank_account"), CLEAR, strict=True
        ):
            self.assertEqual(keyring.decrypt(row[column].encode()).decode(), clear)

    def test_exact_lookup_through_the_blind_index(self):
        self.add("view")
        found = selectors.staff_by_national_id(user=self.user, national_id=NATIONAL_ID.lower())
        self.assertEqual(list(found), [self.profile])
        self.assertEqual(
            list(selectors.staff_by_mobile(user=self.user, mobile="+86 139 1234 5678")), [self.profile]
        )
        self.assertFalse(selectors.staff_by_mobile(user=self.user, mobile="13912345679").exists())
        # The selector starts from what the user may see.
        nobody = User.objects.create_user(username="nobody", email="n@example.com", is_staff=True)
        self.assertFalse(selectors.staff_by_mobile(user=nobody, mobile=MOBILE).exists())
        # The list filter does the same.
        content = self.client.get(
            reverse("accounts:staffprofile_list") + f"?mobile={MOBILE}"
        ).content.decode()
        self.assertIn(reverse("accounts:staffprofile_detail", kwargs={"pk": self.profile.pk}), content)
        self.assertNotIn(reverse("accounts:staffprofile_detail", kwargs={"pk": self.other.pk}), content)

    # --- pages ------------------------------------------------------------------------------------
    def add(self, *actions, constraints=None):
        grant(self.user, StaffProfile, actions, constraints)

    def test_detail_shows_masked_values_and_no_reveal_without_permission(self):
        self.add("view")
        content = self.client.get(
            reverse("accounts:staffprofile_detail", kwargs={"pk": self.profile.pk})
        ).content.decode()
        for masked in ("1101**********002X", "139****5678", "l***@example.org", "**** **** **** 0030"):
            self.assertIn(masked, content)
        for clear in CLEAR:
            self.assertNotIn(clear, content)
        self.assertNotIn('data-testid="reveal-', content)

    def test_detail_offers_reveal_with_permission(self):
        self.add("view", "reveal")
        content = self.client.get(
            reverse("accounts:staffprofile_detail", kwargs={"pk": self.profile.pk})
        ).content.decode()
        self.assertIn('data-testid="reveal-national_id"', content)
        self.assertIn(f'hx-post="{self.reveal_url()}"', content)
        for clear in CLEAR:
            self.assertNotIn(clear, content)

    def test_list_shows_only_masked_values(self):
        self.add("view", "reveal")
        content = self.client.get(reverse("accounts:staffprofile_list")).content.decode()
        self.assertIn("139****5678", content)
        self.assertNotIn(MOBILE, content)

    # --- reveal -----------------------------------------------------------------------------------
    def test_reveal_without_permission_is_refused_and_not_announced(self):
        self.add("view", "change")
        with capture_reveals() as events:
            response = self.client.post(
                self.reveal_url(), {"field": "national_id"}, headers={"HX-Request": "true"}
            )
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(NATIONAL_ID, response.content.decode())
        self.assertEqual(events, [])

    def test_reveal_with_permission_returns_the_clear_value_and_announces_it(self):
        self.add("view", "reveal")
        with capture_reveals() as events:
            response = self.client.post(
                self.reveal_url(), {"field": "national_id"}, headers={"HX-Request": "true"}
            )
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertIn(NATIONAL_ID, content)
        self.assertNotIn("<html", content)  # the htmx partial
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(len(events), 1)
        event = events[0]
        self.assertIs(event["sender"], StaffProfile)
        self.assertEqual(event["user"], self.user)
        self.assertEqual(event["field"], "national_id")
        self.assertEqual(event["instance"], self.profile)
        self.assertIsNotNone(event["request"])

    def test_reveal_without_htmx_renders_a_page(self):
        self.add("view", "reveal")
        response = self.client.post(self.reveal_url(), {"field": "bank_account"})
        self.assertEqual(response.status_code, 200)
        self.assertIn(BANK, response.content.decode())
        self.assertIn("<html", response.content.decode())

    def test_reveal_is_post_only_and_needs_a_known_field(self):
        self.add("view", "reveal")
        self.assertEqual(self.client.get(self.reveal_url()).status_code, 405)
        with capture_reveals() as events:
            self.assertEqual(self.client.post(self.reveal_url(), {"field": "employee_no"}).status_code, 400)
            self.assertEqual(self.client.post(self.reveal_url(), {}).status_code, 400)
        self.assertEqual(events, [])

    def test_constrained_reveal_reaches_only_permitted_rows(self):
        self.add("view")
        self.add("reveal", constraints={"pk": self.other.pk})
        with capture_reveals() as events:
            self.assertEqual(self.client.post(self.reveal_url(), {"field": "mobile"}).status_code, 404)
            self.assertEqual(
                self.client.post(self.reveal_url(self.other), {"field": "mobile"}).status_code, 200
            )
        self.assertEqual([e["instance"] for e in events], [self.other])

    def test_a_failing_recorder_reveals_nothing(self):
        self.add("view", "reveal")

        def broken(sender, **kwargs):
            raise RuntimeError("audit store down")

        revealed.connect(broken, dispatch_uid="test-broken-recorder")
        try:
            response = self.client.post(self.reveal_url(), {"field": "national_id"})
        finally:
            revealed.disconnect(dispatch_uid="test-broken-recorder")
        self.assertEqual(response.status_code, 503)
        self.assertNotIn(NATIONAL_ID, response.content.decode())

    # --- exports ----------------------------------------------------------------------------------
    def export(self) -> str:
        response = self.client.get(reverse("accounts:staffprofile_list") + "?export=csv")
        self.assertEqual(response.status_code, 200)
        return b"".join(response.streaming_content).decode("utf-8-sig")

    def test_export_masks_without_reveal_permission(self):
        self.add("view")
        content = self.export()
        self.assertIn("139****5678", content)
        self.assertNotIn(MOBILE, content)

    def test_export_shows_clear_values_with_reveal_permission(self):
        self.add("view", "reveal")
        content = self.export()
        self.assertIn(MOBILE, content)
        self.assertIn("13700001111", content)

    def test_export_with_constrained_reveal_clears_only_permitted_rows(self):
        self.add("view")
        self.add("reveal", constraints={"pk": self.other.pk})
        content = self.export()
        self.assertIn("13700001111", content)
        self.assertIn("139****5678", content)
        self.assertNotIn(MOBILE, content)

    def test_excel_export_masks_too(self):
        from io import BytesIO

        from openpyxl import load_workbook

        self.add("view")
        response = self.client.get(reverse("accounts:staffprofile_list") + "?export=xlsx")
        cells = [
            str(c)
            for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)
            for c in row
        ]
        self.assertIn("139****5678", cells)
        self.assertNotIn(MOBILE, cells)

    # --- the edit form -----------------------------------------------------------------------------
    def edit_data(self, **changes):
        data = {
            "username": self.profile.user.username,
            "full_name": "李四",
            "email": self.profile.user.email,
            "employee_no": self.profile.employee_no,
            "department": self.department.pk,
            "roles": [Group.objects.get(name="operator").pk],
        }
        data.update(changes)
        return data

    def edit_url(self):
        return reverse("accounts:staffprofile_edit", kwargs={"pk": self.profile.pk})

    def test_edit_form_never_shows_stored_clear_values(self):
        self.add("view", "change")
        content = self.client.get(self.edit_url()).content.decode()
        for clear in CLEAR:
            self.assertNotIn(clear, content)
        self.assertIn("1101**********002X", content)

    def test_empty_fields_keep_stored_values_and_new_values_replace_them(self):
        self.add("view", "change")
        response = self.client.post(self.edit_url(), self.edit_data(mobile="138 0000 9999"))
        self.assertEqual(response.status_code, 302)
        self.profile.refresh_from_db()
        self.assertEqual(self.profile.national_id, NATIONAL_ID)
        self.assertEqual(self.profile.mobile, "13800009999")
        self.assertTrue(selectors.staff_by_mobile(user=self.user, mobile="13800009999").exists())
        self.assertFalse(selectors.staff_by_mobile(user=self.user, mobile=MOBILE).exists())

    def test_stored_values_can_be_removed(self):
        self.add("view", "change")
        response = self.client.post(
            self.edit_url(), self.edit_data(remove_personal_data=["bank_account", "personal_email"])
        )
        self.assertEqual(response.status_code, 302)
        self.profile.refresh_from_db()
        self.assertEqual((self.profile.bank_account, self.profile.personal_email), ("", ""))
        self.assertEqual(self.profile.national_id, NATIONAL_ID)

    def test_invalid_values_are_refused_naming_the_field(self):
        self.add("view", "change")
        cases = {
            "national_id": "110105194912310021",  # wrong check digit
            "mobile": "12345678901",
            "personal_email": "not-an-address",
            "bank_account": "1234",
        }
        for field, value in cases.items():
            response = self.client.post(self.edit_url(), self.edit_data(**{field: value}))
            self.assertEqual(response.status_code, 422, field)
            self.assertIn(f'data-field="{field}"', response.content.decode())
        self.profile.refresh_from_db()
        self.assertEqual(self.profile.mobile, MOBILE)

    def test_a_national_id_already_on_file_is_refused(self):
        self.add("view", "change")
        response = self.client.post(
            reverse("accounts:staffprofile_edit", kwargs={"pk": self.other.pk}),
            {
                **self.edit_data(national_id=NATIONAL_ID),
                "username": "wang.wu",
                "email": "wang.wu@example.com",
                "employee_no": "P002",
            },
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn('data-field="national_id"', response.content.decode())


class DefaultGrantTests(TestCase):
    def test_hr_officers_may_reveal_and_others_may_not(self):
        from whitewall.core.permissions import has_model_permission

        department = Department.objects.get(code="hr")
        users = {}
        for role in ("hr_officer", "operator", "auditor", "department_head", "system_admin", "executive"):
            user = User.objects.create_user(username=role, email=f"{role}@example.com", is_staff=True)
            StaffProfile.objects.create(user=user, employee_no=f"G-{role}", department=department)
            user.groups.add(Group.objects.get(name=role))
            users[role] = User.objects.get(pk=user.pk)
        self.assertTrue(has_model_permission(users["hr_officer"], StaffProfile, "reveal"))
        for role in ("operator", "auditor", "department_head", "system_admin", "executive"):
            self.assertFalse(has_model_permission(users[role], StaffProfile, "reveal"), role)
        self.assertTrue(
            ObjectPermission.objects.filter(name="hr_officer: accounts.staffprofile (reveal)").exists()
        )


class DemoPersonalDataTests(TestCase):
    def test_demo_data_validates_and_reseeding_changes_nothing(self):
        from whitewall.accounts.demo import seed_organisation
        from whitewall.core.validators import (
            luhn_valid,
            validate_bank_account,
            validate_mobile,
            validate_national_id,
        )

        seed_organisation()
        profiles = {p.pk: p for p in StaffProfile.objects.all()}
        self.assertGreaterEqual(len(profiles), 20)
        for profile in profiles.values():
            validate_national_id(profile.national_id)
            validate_mobile(profile.mobile)
            validate_bank_account(profile.bank_account)
            self.assertTrue(luhn_valid(profile.bank_account))
            self.assertTrue(profile.personal_email.endswith("@example.com"))
        self.assertEqual(len({p.national_id for p in profiles.values()}), len(profiles))
        self.assertEqual(seed_organisation(), "already present")
        for pk, profile in profiles.items():
            self.assertEqual(StaffProfile.objects.get(pk=pk).national_id, profile.national_id)

    def test_keys_rotate_covers_staff_profiles(self):
        from whitewall.accounts.demo import seed_organisation

        seed_organisation()
        out = io.StringIO()
        call_command("keys", "rotate", stdout=out)
        self.assertIn("accounts.StaffProfile", out.getvalue())
