"""API test batteries (NetBox's utilities/testing/api.py pattern), the twin of views.py.

class DepartmentAPITests(APITestCases.APIViewTestCase):
    model = Department
    create_data = {...}
    update_data = {...}
    invalid_data, invalid_field = {...}, "code"
    def make_objects(self): return [...]

Every endpoint gets: anonymous -> 401/403; logged in without permission -> 403 (and 404 for a
row outside a constrained permission); with permission -> works; a constrained permission sees
and touches only the permitted rows; a create that would land outside the user's scope is
refused and rolled back; bad input -> 400 with the field named under "errors".
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.test import TestCase
from django.urls import reverse

from whitewall.core.testing.base import ModelTestMixin
from whitewall.core.testing.queries import assert_query_baseline

ANONYMOUS_REFUSED = (401, 403)
GENEROUS = 1_000_000


@contextmanager
def api_rates(*, user: int = GENEROUS, anonymous: int = GENEROUS):
    """Run with these API rate limits (requests per minute) instead of the policy's.

    The batteries run with generous limits, so that a test's own requests (or a shared Redis
    counting anonymous calls from 127.0.0.1 across tests) never turn a 401 into a 429; the rate
    limits themselves are tested on their own with small numbers.
    """
    from whitewall.config.policy import get_policy

    policy = get_policy()
    changed = policy.model_copy(
        update={
            "api": policy.api.model_copy(
                update={"user_rate_per_minute": user, "anonymous_rate_per_minute": anonymous}
            )
        }
    )
    with mock.patch("whitewall.core.api.throttling.get_policy", return_value=changed):
        yield changed


class _APIBase(ModelTestMixin, TestCase):
    api_basename: str | None = None  # default "<app_label>-<model_name>"
    list_query: str = "?page_size=200"
    create_data: dict[str, Any] = {}
    update_data: dict[str, Any] = {}
    invalid_data: dict[str, Any] | None = None
    invalid_field: str | None = None

    def make_objects(self) -> list:
        raise NotImplementedError

    def setUp(self):
        super().setUp()
        self.enterContext(api_rates())
        self.objects = self.make_objects()
        assert len(self.objects) >= 2, "make_objects() must return at least two objects"

    # --- helpers ---------------------------------------------------------------------------------
    def basename(self) -> str:
        meta = self.model._meta
        return self.api_basename or f"{meta.app_label}-{meta.model_name}"

    def list_url(self) -> str:
        return reverse(f"api:{self.basename()}-list")

    def detail_url(self, obj) -> str:
        return reverse(f"api:{self.basename()}-detail", kwargs={"pk": obj.pk})

    def key(self, action: str) -> str:
        return f"api.{self.model._meta.label_lower}.{action}"

    def anonymous(self):
        self.client.logout()

    def send(self, method: str, url: str, data: Any = None):
        kwargs = {}
        if data is not None:
            kwargs = {"data": json.dumps(data, default=str), "content_type": "application/json"}
        return getattr(self.client, method)(url, **kwargs)

    def result_ids(self, response) -> set[int]:
        body = response.json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        return {row["id"] for row in rows}

    def get_create_data(self) -> dict[str, Any]:
        return self.create_data

    def get_update_data(self, obj) -> dict[str, Any]:
        return self.update_data

    def assert_error_names_field(self, response, field: str):
        body = response.json()
        self.assertIn("detail", body)
        self.assertIn(field, body.get("errors", {}), body)


class APITestCases:
    class GetObjectAPITestCase(_APIBase):
        def test_get_object_anonymous_is_refused(self):
            self.anonymous()
            response = self.client.get(self.detail_url(self.objects[0]))
            self.assertIn(response.status_code, ANONYMOUS_REFUSED)
            self.assertIn("detail", response.json())

        def test_get_object_without_permission_is_refused(self):
            response = self.client.get(self.detail_url(self.objects[0]))
            self.assertEqual(response.status_code, 403)
            self.assertIn("detail", response.json())

        def test_get_object_with_permission(self):
            self.add_permissions("view")
            obj = self.objects[0]
            response = assert_query_baseline(
                self.key("detail"), lambda: self.client.get(self.detail_url(obj))
            )
            self.assertEqual(response.status_code, 200, response.content[:2000])
            self.assertEqual(response.json()["id"], obj.pk)

        def test_get_object_with_constrained_permission(self):
            allowed, other = self.objects[0], self.objects[1]
            self.add_permissions("view", constraints={"pk": allowed.pk})
            self.assertEqual(self.client.get(self.detail_url(allowed)).status_code, 200)
            self.assertEqual(self.client.get(self.detail_url(other)).status_code, 404)

    class ListObjectsAPITestCase(_APIBase):
        def test_list_objects_anonymous_is_refused(self):
            self.anonymous()
            self.assertIn(self.client.get(self.list_url()).status_code, ANONYMOUS_REFUSED)

        def test_list_objects_without_permission_is_refused(self):
            self.assertEqual(self.client.get(self.list_url()).status_code, 403)

        def test_list_objects_with_permission(self):
            self.add_permissions("view")
            response = assert_query_baseline(
                self.key("list"), lambda: self.client.get(self.list_url() + self.list_query)
            )
            self.assertEqual(response.status_code, 200, response.content[:2000])
            self.assertLessEqual({obj.pk for obj in self.objects}, self.result_ids(response))

        def test_list_objects_with_constrained_permission_shows_only_permitted_rows(self):
            allowed = self.objects[0]
            self.add_permissions("view", constraints={"pk": allowed.pk})
            response = self.client.get(self.list_url() + self.list_query)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(self.result_ids(response), {allowed.pk})

    class CreateObjectAPITestCase(_APIBase):
        def test_create_object_anonymous_is_refused(self):
            self.anonymous()
            before = self.model.objects.count()
            response = self.send("post", self.list_url(), self.get_create_data())
            self.assertIn(response.status_code, ANONYMOUS_REFUSED)
            self.assertEqual(self.model.objects.count(), before)

        def test_create_object_without_permission_is_refused(self):
            before = self.model.objects.count()
            response = self.send("post", self.list_url(), self.get_create_data())
            self.assertEqual(response.status_code, 403)
            self.assertEqual(self.model.objects.count(), before)

        def test_create_object_with_permission(self):
            self.add_permissions("view", "add")
            before = self.model.objects.count()
            response = self.send("post", self.list_url(), self.get_create_data())
            self.assertEqual(response.status_code, 201, response.content[:2000])
            self.assertEqual(self.model.objects.count(), before + 1)
            self.assertTrue(self.model.objects.filter(pk=response.json()["id"]).exists())

        def test_create_object_outside_constraints_is_rolled_back(self):
            self.add_permissions("view", "add", constraints={"pk": 0})
            before = self.model.objects.count()
            response = self.send("post", self.list_url(), self.get_create_data())
            self.assertEqual(response.status_code, 403, response.content[:2000])
            self.assertEqual(self.model.objects.count(), before)

        def test_create_object_with_invalid_data_names_the_field(self):
            if self.invalid_data is None:
                self.skipTest("no invalid data declared")
            self.add_permissions("view", "add")
            before = self.model.objects.count()
            response = self.send("post", self.list_url(), self.invalid_data)
            self.assertEqual(response.status_code, 400, response.content[:2000])
            self.assert_error_names_field(response, self.invalid_field)
            self.assertEqual(self.model.objects.count(), before)

    class UpdateObjectAPITestCase(_APIBase):
        def test_update_object_anonymous_is_refused(self):
            self.anonymous()
            obj = self.objects[0]
            response = self.send("patch", self.detail_url(obj), self.get_update_data(obj))
            self.assertIn(response.status_code, ANONYMOUS_REFUSED)

        def test_update_object_without_permission_is_refused(self):
            obj = self.objects[0]
            self.add_permissions("view")
            response = self.send("patch", self.detail_url(obj), self.get_update_data(obj))
            self.assertEqual(response.status_code, 403)

        def test_update_object_with_permission(self):
            self.add_permissions("view", "change")
            obj = self.objects[0]
            data = self.get_update_data(obj)
            response = self.send("patch", self.detail_url(obj), data)
            self.assertEqual(response.status_code, 200, response.content[:2000])
            body = response.json()
            for name, value in data.items():
                if name in body and not isinstance(value, list | dict):
                    self.assertEqual(body[name], value, name)

        def test_update_object_outside_constraints_is_not_found(self):
            allowed, other = self.objects[0], self.objects[1]
            self.add_permissions("view", "change", constraints={"pk": allowed.pk})
            response = self.send("patch", self.detail_url(other), self.get_update_data(other))
            self.assertEqual(response.status_code, 404)

    class DeleteObjectAPITestCase(_APIBase):
        def deletable(self):
            return self.objects[0]

        def test_delete_object_anonymous_is_refused(self):
            self.anonymous()
            obj = self.deletable()
            self.assertIn(self.client.delete(self.detail_url(obj)).status_code, ANONYMOUS_REFUSED)
            self.assertTrue(self.model.objects.filter(pk=obj.pk).exists())

        def test_delete_object_without_permission_is_refused(self):
            self.add_permissions("view")
            obj = self.deletable()
            self.assertEqual(self.client.delete(self.detail_url(obj)).status_code, 403)
            self.assertTrue(self.model.objects.filter(pk=obj.pk).exists())

        def test_delete_object_with_permission(self):
            self.add_permissions("view", "delete")
            obj = self.deletable()
            response = self.client.delete(self.detail_url(obj))
            self.assertEqual(response.status_code, 204, response.content[:2000])
            self.assertFalse(self.model.objects.filter(pk=obj.pk).exists())

        def test_delete_object_outside_constraints_is_not_found(self):
            obj = self.deletable()
            other = next(o for o in self.objects if o.pk != obj.pk)
            self.add_permissions("view", "delete", constraints={"pk": other.pk})
            self.assertEqual(self.client.delete(self.detail_url(obj)).status_code, 404)
            self.assertTrue(self.model.objects.filter(pk=obj.pk).exists())

    class ReadOnlyAPITestCase(GetObjectAPITestCase, ListObjectsAPITestCase):
        pass

    class APIViewTestCase(
        GetObjectAPITestCase,
        ListObjectsAPITestCase,
        CreateObjectAPITestCase,
        UpdateObjectAPITestCase,
        DeleteObjectAPITestCase,
    ):
        pass
