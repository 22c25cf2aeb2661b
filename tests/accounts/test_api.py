"""The standard API battery for every accounts endpoint, plus what is particular to each."""

from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from whitewall.accounts.models import Department, ObjectPermission, Position, Role, StaffProfile, User
from whitewall.core.testing import APITestCases, login


class DepartmentAPITests(APITestCases.APIViewTestCase):
    model = Department
    create_data = {"name": "数据分析部", "code": "data-analysis", "sort_order": 50}
    update_data = {"name": "改名部"}
    invalid_data = {"name": "坏部门", "code": "bad code!"}
    invalid_field = "code"

    def make_objects(self):
        root = Department.objects.create(name="Root test", code="root-test")
        return [
            Department.objects.create(name="Alpha", code="alpha", parent=root),
            Department.objects.create(name="Beta", code="beta", parent=root),
            root,
        ]

    def test_a_department_cannot_be_moved_under_its_own_child(self):
        self.add_permissions("view", "change")
        root, child = self.objects[2], self.objects[0]
        response = self.send("patch", self.detail_url(root), {"parent": child.pk})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "parent")
        root.refresh_from_db()
        self.assertIsNone(root.parent)

    def test_a_department_in_use_is_a_conflict_not_a_server_error(self):
        self.add_permissions("view", "delete")
        root = self.objects[2]
        response = self.client.delete(self.detail_url(root))
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "conflict")
        self.assertTrue(Department.objects.filter(pk=root.pk).exists())

    def test_update_that_leaves_the_scope_is_rolled_back(self):
        # May change only active departments: deactivating one would put it out of reach.
        self.add_permissions("view")
        self.add_permissions("change", constraints={"is_active": True})
        obj = self.objects[0]
        response = self.send("patch", self.detail_url(obj), {"is_active": False, "name": "Gone"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "outside_scope")
        obj.refresh_from_db()
        self.assertTrue(obj.is_active)
        self.assertEqual(obj.name, "Alpha")

    def test_filtering_uses_the_console_filterset(self):
        self.add_permissions("view")
        response = self.client.get(self.list_url(), {"parent": self.objects[2].pk, "q": "alp"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.result_ids(response), {self.objects[0].pk})
        response = self.client.get(self.list_url(), {"parent": 999999})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "parent")

    def test_small_lists_are_paged_by_number_with_a_count(self):
        self.add_permissions("view")
        body = self.client.get(self.list_url(), {"page_size": 2}).json()
        self.assertEqual(len(body["results"]), 2)
        self.assertGreaterEqual(body["count"], 3)
        self.assertIn("page=2", body["next"])


class PositionAPITests(APITestCases.APIViewTestCase):
    model = Position
    create_data = {"name": "数据分析师", "code": "data-analyst"}
    update_data = {"description": "分析数据"}
    invalid_data = {"name": "", "code": "x"}
    invalid_field = "name"

    def make_objects(self):
        return [Position.objects.create(name=f"P{i}", code=f"p{i}") for i in range(3)]


class RoleAPITests(APITestCases.ReadOnlyAPITestCase):
    model = Role

    def make_objects(self):
        return [Role.objects.create(name="test_role_a"), Role.objects.create(name="test_role_b")]

    def test_roles_cannot_be_written_through_the_api(self):
        self.add_permissions("view", "add", "change", "delete")
        self.assertEqual(self.send("post", self.list_url(), {"code": "x"}).status_code, 405)
        self.assertEqual(self.client.delete(self.detail_url(self.objects[0])).status_code, 405)

    def test_members_lists_only_users_you_may_see(self):
        role = self.objects[0]
        shown = User.objects.create_user(username="shown", email="shown@example.com")
        hidden = User.objects.create_user(username="hidden", email="hidden@example.com")
        for user in (shown, hidden):
            user.groups.add(Group.objects.get(pk=role.pk))
        self.add_permissions("view")
        url = self.detail_url(role) + "members/"
        self.assertEqual(self.client.get(url).json()["results"], [])
        self.add_permissions("view", model=User, constraints={"pk": shown.pk})
        rows = self.client.get(url).json()["results"]
        self.assertEqual([row["username"] for row in rows], ["shown"])


class ObjectPermissionAPITests(APITestCases.APIViewTestCase):
    model = ObjectPermission
    api_basename = "accounts-objectpermission"
    create_data = {
        "name": "department heads edit their department",
        "object_types": ["accounts.department"],
        "actions": ["view", "change"],
        "constraints": {"pk": "$department"},
        "roles": ["department_head"],
    }
    update_data = {"description": "changed"}
    invalid_data = {**create_data, "name": "broken", "constraints": {"no_such_field": 1}}
    invalid_field = "constraints"
    list_query = "?q=perm%20"  # the seeded grants of every module fill more than one page

    def make_objects(self):
        return [ObjectPermission.objects.create(name=f"perm {i}", actions=["view"]) for i in range(3)]

    def test_unknown_model_and_bad_action_are_named(self):
        self.add_permissions("view", "add")
        response = self.send(
            "post",
            self.list_url(),
            {**self.create_data, "object_types": ["nope.nothing"], "actions": ["a b"]},
        )
        self.assertEqual(response.status_code, 400)
        errors = response.json()["errors"]
        self.assertIn("object_types", errors)
        self.assertIn("actions.0", errors)


class UserAPITests(
    APITestCases.GetObjectAPITestCase,
    APITestCases.ListObjectsAPITestCase,
    APITestCases.UpdateObjectAPITestCase,
):
    model = User
    update_data = {"full_name": "新名字"}

    def make_objects(self):
        return [
            User.objects.create_user(username=f"user{i}", email=f"user{i}@example.com", is_staff=True)
            for i in range(3)
        ]

    def test_users_are_neither_created_nor_deleted_here(self):
        self.add_permissions("view", "add", "change", "delete")
        self.assertEqual(self.send("post", self.list_url(), {"username": "x"}).status_code, 405)
        self.assertEqual(self.client.delete(self.detail_url(self.objects[0])).status_code, 405)

    def test_deactivating_ends_the_persons_sessions(self):
        self.add_permissions("view", "change")
        target = self.objects[0]
        session = SessionStore()
        session["_auth_user_id"] = str(target.pk)
        session.create()
        response = self.send("patch", self.detail_url(target), {"is_active": False})
        self.assertEqual(response.status_code, 200)
        target.refresh_from_db()
        self.assertFalse(target.is_active)
        self.assertFalse(Session.objects.filter(session_key=session.session_key).exists())

    def test_you_cannot_deactivate_yourself(self):
        self.add_permissions("view", "change")
        response = self.send("patch", self.detail_url(self.user), {"is_active": False})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "is_active")

    def test_username_is_read_only(self):
        self.add_permissions("view", "change")
        obj = self.objects[0]
        self.send("patch", self.detail_url(obj), {"username": "renamed"})
        obj.refresh_from_db()
        self.assertEqual(obj.username, "user0")

    def test_large_lists_use_a_cursor(self):
        self.add_permissions("view")
        body = self.client.get(self.list_url(), {"page_size": 2}).json()
        self.assertNotIn("count", body)
        self.assertEqual(len(body["results"]), 2)
        self.assertIn("cursor=", body["next"])
        seen = [row["id"] for row in body["results"]]
        url = body["next"]
        while url:
            body = self.client.get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        self.assertEqual(seen, sorted(seen))
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(set(seen), set(User.objects.values_list("pk", flat=True)))

    def test_a_broken_cursor_is_a_client_error(self):
        self.add_permissions("view")
        response = self.client.get(self.list_url(), {"cursor": "garbage"})
        self.assertEqual(response.status_code, 404)
        self.assertIn("detail", response.json())

    def test_filtering_uses_the_console_filterset(self):
        self.add_permissions("view")
        self.objects[1].groups.add(Group.objects.get(name="auditor"))
        role = Group.objects.get(name="auditor").pk
        response = self.client.get(self.list_url(), {"role": role})
        self.assertEqual(self.result_ids(response), {self.objects[1].pk})
        response = self.client.get(self.list_url(), {"q": "user2"})
        self.assertEqual(self.result_ids(response), {self.objects[2].pk})
        response = self.client.get(self.list_url(), {"role": "not-a-role"})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "role")


class StaffAPITests(
    APITestCases.GetObjectAPITestCase,
    APITestCases.ListObjectsAPITestCase,
    APITestCases.CreateObjectAPITestCase,
    APITestCases.UpdateObjectAPITestCase,
):
    model = StaffProfile
    api_basename = "accounts-staffprofile"
    update_data = {"full_name": "改过的名字", "grade": "P4"}
    invalid_field = "employee_no"

    def make_objects(self):
        self.department = Department.objects.get(code="operations")
        objects = []
        for index in range(3):
            user = User.objects.create_user(
                username=f"staff{index}", email=f"staff{index}@example.com", is_staff=True
            )
            user.groups.add(Group.objects.get(name="operator"))
            objects.append(
                StaffProfile.objects.create(
                    user=user, employee_no=f"T{index:03d}", department=self.department
                )
            )
        return objects

    def get_create_data(self):
        return {
            "username": "new.person",
            "full_name": "新同事",
            "email": "new.person@example.com",
            "employee_no": "T900",
            "department": self.department.pk,
            "hire_date": "2026-11-01",
            "roles": ["operator"],
        }

    @property
    def invalid_data(self):
        return {**self.get_create_data(), "employee_no": "T000"}  # already used

    def test_create_goes_through_the_service(self):
        self.add_permissions("view", "add")
        response = self.send("post", self.list_url(), self.get_create_data())
        self.assertEqual(response.status_code, 201, response.content)
        profile = StaffProfile.objects.get(employee_no="T900")
        self.assertTrue(profile.user.is_staff)
        self.assertFalse(profile.user.has_usable_password())
        self.assertEqual(response.json()["roles"], ["operator"])
        from allauth.account.models import EmailAddress

        self.assertTrue(EmailAddress.objects.filter(user=profile.user, verified=True).exists())

    def test_hr_cannot_hand_out_privileged_roles(self):
        self.add_permissions("view", "add")
        response = self.send("post", self.list_url(), {**self.get_create_data(), "roles": ["system_admin"]})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "roles")
        self.assertFalse(User.objects.filter(username="new.person").exists())

    def test_a_weak_password_is_named(self):
        self.add_permissions("view", "add")
        response = self.send("post", self.list_url(), {**self.get_create_data(), "password": "123"})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "password")

    def test_manager_cannot_be_oneself(self):
        self.add_permissions("view", "change")
        obj = self.objects[0]
        response = self.send("patch", self.detail_url(obj), {"manager": obj.user_id})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "manager")

    def test_deactivate_and_reactivate(self):
        self.add_permissions("view")
        self.add_permissions("change", model=User)
        obj = self.objects[0]
        response = self.client.post(self.detail_url(obj) + "deactivate/")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertFalse(response.json()["is_active"])
        response = self.client.post(self.detail_url(obj) + "deactivate/")
        self.assertEqual(response.status_code, 400)  # already inactive, said so
        response = self.client.post(self.detail_url(obj) + "reactivate/")
        self.assertTrue(response.json()["is_active"])

    def test_deactivate_without_permission_on_users_is_refused(self):
        self.add_permissions("view", "change")
        obj = self.objects[0]
        self.assertEqual(self.client.post(self.detail_url(obj) + "deactivate/").status_code, 403)
        obj.user.refresh_from_db()
        self.assertTrue(obj.user.is_active)

    def test_staff_are_never_deleted(self):
        self.add_permissions("view", "delete")
        self.assertEqual(self.client.delete(self.detail_url(self.objects[0])).status_code, 405)


class MeAPITests(APITestCases.GetObjectAPITestCase.__base__):
    """/api/v1/me/ needs no permission, only a login; it shows the caller's own grants."""

    model = User

    def make_objects(self):
        return [self.user, self.user]

    def test_me(self):
        self.add_permissions("view", model=Department)
        self.user.groups.add(Group.objects.get(name="operator"))
        login(self.client, self.user)
        body = self.client.get("/api/v1/me/").json()
        self.assertEqual(body["username"], "tester")
        self.assertIn("operator", body["roles"])
        self.assertIn("accounts.view_department", body["permissions"])
        self.assertIsNone(body["staff_profile"])

    def test_me_anonymous(self):
        self.anonymous()
        self.assertEqual(self.client.get("/api/v1/me/").status_code, 401)
