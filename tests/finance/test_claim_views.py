"""Claim pages: the view battery, the line form (bad input), the live budget check, the
printable form, receipts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from whitewall.accounts.models import Department, StaffProfile
from whitewall.core.testing import ViewTestCases
from whitewall.finance import control, services
from whitewall.finance.demo_claims import fake_pdf
from whitewall.finance.models import (
    Budget,
    BudgetCategory,
    BudgetStatus,
    Claim,
    ClaimLine,
    FiscalYear,
    Receipt,
)


def _setup_budget(department, amount="1200"):
    today = timezone.localdate()
    year, _created = FiscalYear.objects.get_or_create(
        year=today.year,
        defaults={
            "start_date": datetime.date(today.year, 1, 1),
            "end_date": datetime.date(today.year, 12, 31),
        },
    )
    budget = Budget(
        fiscal_year=year,
        department=department,
        category=BudgetCategory.objects.get(code="travel"),
        amount=Decimal(amount),
    )
    budget.full_clean()
    budget.status = BudgetStatus.ACTIVE
    budget.save()
    control.budget_line_set_budget(budget)


@override_settings(MEDIA_ROOT="/tmp/whitewall-test-media")
class ClaimViewTests(
    ViewTestCases.GetObjectViewTestCase,
    ViewTestCases.ListObjectsViewTestCase,
    ViewTestCases.CreateObjectViewTestCase,
    ViewTestCases.EditObjectViewTestCase,
    ViewTestCases.DeleteObjectViewTestCase,
):
    model = Claim
    invalid_field = "purpose"

    def make_objects(self):
        self.department = Department.objects.get(code="operations")
        StaffProfile.objects.create(user=self.user, employee_no="T-1", department=self.department, grade="P3")
        return [
            Claim.objects.create(
                number=f"BX-T{i}", applicant=self.user, department=self.department, purpose=f"出差 {i}"
            )
            for i in range(3)
        ]

    @property
    def form_data(self):
        return {"applicant": self.user.pk, "purpose": "杭州客户拜访"}

    def get_edit_data(self, obj):
        return {"applicant": self.user.pk, "purpose": "杭州客户拜访（修改）"}

    @property
    def invalid_form_data(self):
        return {"applicant": self.user.pk, "purpose": ""}

    def _line_url(self, claim):
        return reverse("finance:claim_line_add", args=[claim.pk])

    def _line_data(self, **changes):
        return {
            "category": BudgetCategory.objects.get(code="travel").pk,
            "date": timezone.localdate().isoformat(),
            "amount": "300",
            "description": "高铁票",
            "invoice_number": "31000001",
            "receipts": SimpleUploadedFile("发票.pdf", fake_pdf("view-test"), content_type="application/pdf"),
            **changes,
        }

    def test_line_form_saves_a_line_with_its_receipt(self):
        self.add_permissions("view", "change")
        claim = self.objects[0]
        response = self.client.post(self._line_url(claim), self._line_data())
        self.assertEqual(response.status_code, 302, response.content[:2000])
        line = claim.lines.get()
        self.assertEqual(line.receipts.count(), 1)
        claim.refresh_from_db()
        self.assertEqual(claim.amount, Decimal("300.00"))
        receipt = line.receipts.get()
        download = self.client.get(reverse("finance:receipt_download", args=[receipt.pk]))
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download["Content-Type"], "application/pdf")

    def test_receipt_download_is_audited(self):
        from whitewall.audit.models import AuditEvent

        self.add_permissions("view", "change", constraints={"applicant": self.user.pk})
        claim = self.objects[0]
        self.client.post(self._line_url(claim), self._line_data())
        line = claim.lines.get()
        receipt = line.receipts.get()
        exports = AuditEvent.objects.filter(action="export", object_type="finance.receipt")
        self.assertEqual(exports.count(), 0)
        download = self.client.get(reverse("finance:receipt_download", args=[receipt.pk]))
        self.assertEqual(download.status_code, 200)
        b"".join(download.streaming_content)
        event = exports.get()
        self.assertEqual(event.actor_id, self.user.pk)
        self.assertEqual(event.object_id, str(receipt.pk))
        self.assertEqual(event.extra_data["claim"], claim.number)
        self.assertEqual(event.extra_data["claim_line"], line.pk)
        self.assertEqual(event.extra_data["file"], "发票.pdf")
        self.assertEqual(event.extra_data["sha256"], receipt.sha256)
        # Someone who may not see the claim gets nothing, and no download is recorded.
        other = Claim.objects.create(
            number="BX-OTHER", applicant=self.make_colleague(), department=self.department, purpose="别人的"
        )
        hidden = Receipt.objects.create(
            line=ClaimLine.objects.create(
                claim=other,
                category=line.category,
                date=line.date,
                amount=Decimal("10"),
                description="x",
            ),
            file=receipt.file.name,
            original_name="别人的发票.pdf",
            content_type="application/pdf",
            size=receipt.size,
            sha256=receipt.sha256,
        )
        self.assertEqual(
            self.client.get(reverse("finance:receipt_download", args=[hidden.pk])).status_code, 404
        )
        self.assertEqual(exports.count(), 1)

    def test_line_form_refuses_bad_input_naming_the_field_and_saves_nothing(self):
        self.add_permissions("view", "change")
        claim = self.objects[0]
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        fake = SimpleUploadedFile("发票.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
        for changes, field in [
            ({"amount": "-5"}, "amount"),
            ({"amount": "0"}, "amount"),
            ({"date": tomorrow}, "date"),
            ({"receipts": fake}, "receipts"),
        ]:
            response = self.client.post(self._line_url(claim), self._line_data(**changes))
            self.assertEqual(response.status_code, 422, changes)
            self.assertIn(f'data-field="{field}"', response.content.decode())
        self.assertFalse(ClaimLine.objects.exists())
        self.assertFalse(Receipt.objects.exists())

    def test_line_form_refuses_a_duplicate_invoice(self):
        self.add_permissions("view", "change")
        self.client.post(self._line_url(self.objects[0]), self._line_data())
        response = self.client.post(
            self._line_url(self.objects[1]),
            self._line_data(
                receipts=SimpleUploadedFile("b.pdf", fake_pdf("other"), content_type="application/pdf")
            ),
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn('data-field="invoice_number"', response.content.decode())
        self.assertEqual(ClaimLine.objects.count(), 1)

    def test_live_budget_check_shows_remaining_and_the_policy_verdict(self):
        self.add_permissions("view", "change")
        _setup_budget(self.department, "1200")
        claim = self.objects[0]
        url = reverse("finance:claim_budget_check", args=[claim.pk])
        travel = BudgetCategory.objects.get(code="travel").pk
        today = timezone.localdate().isoformat()
        ok = self.client.get(
            url, {"category": travel, "date": today, "amount": "10"}, headers={"HX-Request": "true"}
        )
        self.assertIn('data-action="', ok.content.decode())
        self.assertIn("¥", ok.content.decode())
        stop = self.client.get(url, {"category": travel, "date": today, "amount": "5000"})
        self.assertIn('data-action="stop"', stop.content.decode())
        bad = self.client.get(url, {"category": travel, "date": today, "amount": "abc"})
        self.assertEqual(bad.status_code, 200)
        self.assertIn('data-action="none"', bad.content.decode())

    def test_print_form_shows_the_amount_in_capital_numerals(self):
        self.add_permissions("view")
        claim = self.objects[0]
        ClaimLine.objects.create(
            claim=claim,
            category=BudgetCategory.objects.get(code="travel"),
            date=timezone.localdate(),
            amount=Decimal("1234.50"),
            description="机票",
        )
        Claim.objects.filter(pk=claim.pk).update(amount=Decimal("1234.50"))
        response = self.client.get(reverse("finance:claim_print", args=[claim.pk]))
        content = response.content.decode()
        self.assertIn("壹仟贰佰叁拾肆元伍角整", content)
        self.assertIn("¥1,234.50", content)

    def test_someone_elses_claim_is_not_found(self):
        self.add_permissions("view", "change", constraints={"applicant": self.user.pk})
        other = Claim.objects.create(
            number="BX-OTHER",
            applicant=self.make_colleague(),
            department=self.department,
            purpose="别人的报销",
        )
        self.assertEqual(self.client.get(self.url("detail", other)).status_code, 404)
        self.assertEqual(self.client.get(self._line_url(other)).status_code, 404)

    def make_colleague(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.create_user(
            username="colleague", email="c@example.com", is_staff=True
        )

    def test_claim_in_another_persons_name_is_refused_without_permission(self):
        self.add_permissions("view", "add")
        colleague = self.make_colleague()
        StaffProfile.objects.create(user=colleague, employee_no="T-2", department=self.department)
        response = self.client.post(self.url("add"), {"applicant": colleague.pk, "purpose": "代报销"})
        self.assertEqual(response.status_code, 422)
        self.assertIn('data-field="applicant"', response.content.decode())
        self.assertFalse(Claim.objects.filter(applicant=colleague).exists())


@pytest.mark.django_db
def test_claim_list_mine_filter(client, django_user_model):
    from whitewall.core.testing import grant, login

    user = django_user_model.objects.create_user(username="u1", email="u1@example.com", is_staff=True)
    grant(user, Claim, ["view"])
    login(client, user)
    department = Department.objects.get(code="operations")
    mine = Claim.objects.create(number="BX-M1", applicant=user, department=department, purpose="mine")
    other = Claim.objects.create(
        number="BX-O1",
        applicant=django_user_model.objects.create_user(username="u2", email="u2@example.com"),
        department=department,
        purpose="other",
    )
    content = client.get(reverse("finance:claim_list") + "?mine=true").content.decode()
    assert mine.get_absolute_url() in content and other.get_absolute_url() not in content
    assert services.claim_checklist(mine)[0]["ok"]


@pytest.mark.django_db
def test_finance_card_counts_claims_waiting_for_the_finance_audit(rf, django_user_model):
    from django.contrib.auth.models import Group

    from whitewall.finance.registrations import finance_card

    officer = django_user_model.objects.create_user(username="fo", email="fo@example.com", is_staff=True)
    officer.groups.add(Group.objects.get(name="finance_officer"))
    department = Department.objects.get(code="operations")
    applicant = django_user_model.objects.create_user(username="ap", email="ap@example.com")
    Claim.objects.create(
        number="BX-C1", applicant=applicant, department=department, purpose="x", status="finance_audit"
    )
    Claim.objects.create(
        number="BX-C2", applicant=applicant, department=department, purpose="y", status="draft"
    )
    request = rf.get("/console/")
    request.user = officer
    card = finance_card(request)
    figures = {str(label): count for label, count, _url in card["figures"]}
    assert figures["Waiting for the finance audit"] == 1
    nobody = django_user_model.objects.create_user(username="nb", email="nb@example.com", is_staff=True)
    request.user = nobody
    assert finance_card(request) is None
