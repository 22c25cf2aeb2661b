"""View test batteries: mix the cases a model's views have into one TestCase subclass.

class DepartmentViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = Department
    form_data = {...}
    def make_objects(self): return [...]
"""

from __future__ import annotations

from typing import Any

from django.test import TestCase
from django.urls import reverse

from whitewall.core.testing.base import ModelTestMixin
from whitewall.core.testing.queries import assert_query_baseline
from whitewall.core.urls_helpers import url_name


class _Base(ModelTestMixin, TestCase):
    form_data: dict[str, Any] = {}
    # Appended to the list URL where seeded rows would push the test's rows off the first page.
    list_query: str = ""
    # Bad input: data that must be refused, and the field whose error must be shown.
    invalid_form_data: dict[str, Any] | None = None
    invalid_field: str | None = None

    def make_objects(self) -> list:
        raise NotImplementedError

    def setUp(self):
        super().setUp()
        self.objects = self.make_objects()
        assert len(self.objects) >= 2, "make_objects() must return at least two objects"

    def url(self, action: str, obj=None) -> str:
        kwargs = {"pk": obj.pk} if obj is not None else None
        return reverse(url_name(self.model, action), kwargs=kwargs)

    def marker(self, obj) -> str:
        """Text that appears in a list page only when ``obj``'s row is shown."""
        return f'href="{self.url("detail", obj)}"'

    def key(self, action: str) -> str:
        return f"{self.model._meta.label_lower}.{action}"

    def assert_login_redirect(self, response):
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def form_post_data(self, data: dict[str, Any]) -> dict[str, Any]:
        return data


class ViewTestCases:
    class ListObjectsViewTestCase(_Base):
        def test_list_anonymous_is_sent_to_login(self):
            self.client.logout()
            self.assert_login_redirect(self.client.get(self.url("list")))

        def test_list_without_permission_is_refused(self):
            self.assertEqual(self.client.get(self.url("list")).status_code, 403)

        def test_list_with_permission(self):
            self.add_permissions("view")
            response = assert_query_baseline(
                self.key("list"), lambda: self.client.get(self.url("list") + self.list_query)
            )
            self.assertEqual(response.status_code, 200)
            content = response.content.decode()
            for obj in self.objects:
                self.assertIn(self.marker(obj), content)

        def test_list_with_constrained_permission_shows_only_permitted_rows(self):
            allowed, other = self.objects[0], self.objects[1]
            self.add_permissions("view", constraints={"pk": allowed.pk})
            content = self.client.get(self.url("list") + self.list_query).content.decode()
            self.assertIn(self.marker(allowed), content)
            self.assertNotIn(self.marker(other), content)

        def test_list_htmx_request_gets_the_table_partial(self):
            self.add_permissions("view")
            response = self.client.get(self.url("list"), headers={"HX-Request": "true"})
            self.assertEqual(response.status_code, 200)
            self.assertNotIn("<html", response.content.decode())
            self.assertIn('data-testid="object-table"', response.content.decode())

        def test_export_csv_and_excel_contain_only_permitted_rows(self):
            allowed = self.objects[0]
            self.add_permissions("view", constraints={"pk": allowed.pk})
            response = self.client.get(self.url("list") + "?export=csv")
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response["Content-Type"].startswith("text/csv"))
            lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
            self.assertEqual(len(lines), 2, lines)  # header + the one permitted row
            response = self.client.get(self.url("list") + "?export=xlsx")
            self.assertEqual(response.status_code, 200)
            from io import BytesIO

            from openpyxl import load_workbook

            sheet = load_workbook(BytesIO(response.content)).active
            self.assertEqual(sheet.max_row, 2)

    class GetObjectViewTestCase(_Base):
        def test_detail_anonymous_is_sent_to_login(self):
            self.client.logout()
            self.assert_login_redirect(self.client.get(self.url("detail", self.objects[0])))

        def test_detail_without_permission_is_refused(self):
            self.assertEqual(self.client.get(self.url("detail", self.objects[0])).status_code, 403)

        def test_detail_with_permission(self):
            self.add_permissions("view")
            obj = self.objects[0]
            response = assert_query_baseline(
                self.key("detail"), lambda: self.client.get(self.url("detail", obj))
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn(str(obj), response.content.decode())

        def test_detail_with_constrained_permission(self):
            allowed, other = self.objects[0], self.objects[1]
            self.add_permissions("view", constraints={"pk": allowed.pk})
            self.assertEqual(self.client.get(self.url("detail", allowed)).status_code, 200)
            self.assertEqual(self.client.get(self.url("detail", other)).status_code, 404)

    class CreateObjectViewTestCase(_Base):
        def test_create_without_permission_is_refused(self):
            before = self.model.objects.count()
            self.assertEqual(self.client.get(self.url("add")).status_code, 403)
            response = self.client.post(self.url("add"), self.form_post_data(self.form_data))
            self.assertEqual(response.status_code, 403)
            self.assertEqual(self.model.objects.count(), before)

        def test_create_with_permission(self):
            self.add_permissions("view", "add")
            self.assertEqual(self.client.get(self.url("add")).status_code, 200)
            before = self.model.objects.count()
            response = self.client.post(self.url("add"), self.form_post_data(self.form_data))
            self.assertEqual(response.status_code, 302, getattr(response, "content", b"")[:3000])
            self.assertEqual(self.model.objects.count(), before + 1)

        def test_create_outside_constraints_is_rolled_back(self):
            self.add_permissions("view", "add", constraints={"pk": 0})
            before = self.model.objects.count()
            response = self.client.post(self.url("add"), self.form_post_data(self.form_data))
            self.assertEqual(response.status_code, 403)
            self.assertEqual(self.model.objects.count(), before)

        def test_create_with_invalid_data_names_the_field(self):
            if self.invalid_form_data is None:
                self.skipTest("no invalid data declared")
            self.add_permissions("view", "add")
            before = self.model.objects.count()
            response = self.client.post(self.url("add"), self.form_post_data(self.invalid_form_data))
            self.assertEqual(response.status_code, 422)
            self.assertEqual(self.model.objects.count(), before)
            self.assertIn(f'data-field="{self.invalid_field}"', response.content.decode())

    class EditObjectViewTestCase(_Base):
        edit_data: dict[str, Any] | None = None

        def get_edit_data(self, obj) -> dict[str, Any]:
            return self.edit_data or self.form_data

        def test_edit_without_permission_is_refused(self):
            obj = self.objects[0]
            self.assertEqual(self.client.get(self.url("edit", obj)).status_code, 403)
            self.assertEqual(
                self.client.post(self.url("edit", obj), self.get_edit_data(obj)).status_code, 403
            )

        def test_edit_with_permission(self):
            self.add_permissions("view", "change")
            obj = self.objects[0]
            self.assertEqual(self.client.get(self.url("edit", obj)).status_code, 200)
            before = obj.updated if hasattr(obj, "updated") else None
            response = self.client.post(self.url("edit", obj), self.form_post_data(self.get_edit_data(obj)))
            self.assertEqual(response.status_code, 302, getattr(response, "content", b"")[:3000])
            if before is not None:
                obj.refresh_from_db()
                self.assertGreater(obj.updated, before)

        def test_edit_outside_constraints_is_not_found(self):
            allowed, other = self.objects[0], self.objects[1]
            self.add_permissions("view", "change", constraints={"pk": allowed.pk})
            self.assertEqual(self.client.get(self.url("edit", other)).status_code, 404)
            response = self.client.post(
                self.url("edit", other), self.form_post_data(self.get_edit_data(other))
            )
            self.assertEqual(response.status_code, 404)

    class DeleteObjectViewTestCase(_Base):
        def deletable(self):
            return self.objects[0]

        def test_delete_without_permission_is_refused(self):
            obj = self.deletable()
            self.assertEqual(self.client.post(self.url("delete", obj)).status_code, 403)
            self.assertTrue(self.model.objects.filter(pk=obj.pk).exists())

        def test_delete_with_permission(self):
            self.add_permissions("view", "delete")
            obj = self.deletable()
            self.assertEqual(self.client.get(self.url("delete", obj)).status_code, 200)
            response = self.client.post(self.url("delete", obj))
            self.assertEqual(response.status_code, 302)
            self.assertFalse(self.model.objects.filter(pk=obj.pk).exists())

        def test_delete_outside_constraints_is_not_found(self):
            obj = self.deletable()
            other = next(o for o in self.objects if o.pk != obj.pk)
            self.add_permissions("view", "delete", constraints={"pk": other.pk})
            self.assertEqual(self.client.post(self.url("delete", obj)).status_code, 404)
            self.assertTrue(self.model.objects.filter(pk=obj.pk).exists())

    class BulkDeleteObjectsViewTestCase(_Base):
        def test_bulk_delete_only_touches_permitted_rows(self):
            first, second = self.objects[0], self.objects[1]
            self.add_permissions("view")
            self.add_permissions("delete", constraints={"pk": first.pk})
            response = self.client.post(
                self.url("list"), {"bulk_action": "delete", "pk": [first.pk, second.pk]}
            )
            self.assertEqual(response.status_code, 302)
            self.assertFalse(self.model.objects.filter(pk=first.pk).exists())
            self.assertTrue(self.model.objects.filter(pk=second.pk).exists())

        def test_bulk_delete_without_permission_does_nothing(self):
            self.add_permissions("view")
            first = self.objects[0]
            self.client.post(self.url("list"), {"bulk_action": "delete", "pk": [first.pk]})
            self.assertTrue(self.model.objects.filter(pk=first.pk).exists())

    class PrimaryObjectViewTestCase(
        GetObjectViewTestCase,
        ListObjectsViewTestCase,
        CreateObjectViewTestCase,
        EditObjectViewTestCase,
        DeleteObjectViewTestCase,
        BulkDeleteObjectsViewTestCase,
    ):
        pass
