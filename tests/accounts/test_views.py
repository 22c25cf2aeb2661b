"""The standard view battery for every accounts model, plus what is particular to each."""

from django.contrib.auth.models import Group

from whitewall.accounts.models import Department, ObjectPermission, Position, Role, StaffProfile, User
from whitewall.core.testing import ViewTestCases, grant, login


class DepartmentViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = Department
    form_data = {"name": "数据分析部", "code": "data-analysis", "sort_order": 50, "is_active": "on"}
    invalid_form_data = {"name": "", "code": "bad code!", "sort_order": 1}
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
        root = self.objects[2]
        child = self.objects[0]
        response = self.client.post(
            self.url("edit", root),
            {"name": root.name, "code": root.code, "parent": child.pk, "sort_order": 1},
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn('data-field="parent"', response.content.decode())
        root.refresh_from_db()
        self.assertIsNone(root.parent)

    def test_a_department_in_use_is_not_deleted(self):
        self.add_permissions("view", "delete")
        root = self.objects[2]
        response = self.client.post(self.url("delete", root))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Department.objects.filter(pk=root.pk).exists())


class PositionViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = Position
    form_data = {"name": "数据分析师", "code": "data-analyst"}
    invalid_form_data = {"name": "", "code": "x"}
    invalid_field = "name"

    def make_objects(self):
        return [Position.objects.create(name=f"P{i}", code=f"p{i}") for i in range(3)]


class RoleViewTests(
    ViewTestCases.GetObjectViewTestCase,
    ViewTestCases.ListObjectsViewTestCase,
    ViewTestCases.CreateObjectViewTestCase,
    ViewTestCases.EditObjectViewTestCase,
    ViewTestCases.DeleteObjectViewTestCase,
):
    model = Role
    form_data = {"name": "content_lead"}
    invalid_form_data = {"name": "operator"}  # taken by a seeded role
    invalid_field = "name"

    def make_objects(self):
        return [Role.objects.create(name="test_role_a"), Role.objects.create(name="test_role_b")]

    def marker(self, obj):
        return f'href="{self.url("detail", obj)}"'

    def test_a_role_with_members_is_not_deleted(self):
        self.add_permissions("view", "delete")
        role = self.objects[0]
        self.user.groups.add(Group.objects.get(pk=role.pk))
        self.client.post(self.url("delete", role))
        self.assertTrue(Role.objects.filter(pk=role.pk).exists())


class ObjectPermissionViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = ObjectPermission
    list_query = "?q=perm"

    def make_objects(self):
        return [ObjectPermission.objects.create(name=f"perm {i}", actions=["view"]) for i in range(3)]

    @property
    def form_data(self):
        from django.contrib.contenttypes.models import ContentType

        return {
            "name": "department heads edit their department",
            "enabled": "on",
            "object_types": [ContentType.objects.get_for_model(Department).pk],
            "actions": ["view", "change"],
            "constraints": '{"pk": "$department"}',
            "groups": [Group.objects.get(name="department_head").pk],
        }

    invalid_field = "constraints"

    @property
    def invalid_form_data(self):
        return {**self.form_data, "name": "broken", "constraints": '{"no_such_field": 1}'}

    def test_invalid_json_is_refused_naming_the_field(self):
        self.add_permissions("view", "add")
        response = self.client.post(self.url("add"), {**self.form_data, "constraints": "{not json"})
        self.assertEqual(response.status_code, 422)
        self.assertIn('data-field="constraints"', response.content.decode())


class StaffViewTests(
    ViewTestCases.GetObjectViewTestCase,
    ViewTestCases.ListObjectsViewTestCase,
    ViewTestCases.CreateObjectViewTestCase,
    ViewTestCases.EditObjectViewTestCase,
):
    model = StaffProfile

    def make_objects(self):
        self.department = Department.objects.get(code="operations")
        objects = []
        for index in range(3):
            user = User.objects.create_user(
                username=f"staff{index}",
                email=f"staff{index}@example.com",
                full_name=f"员工{index}",
                is_staff=True,
            )
            user.groups.add(Group.objects.get(name="operator"))
            objects.append(
                StaffProfile.objects.create(
                    user=user,
                    employee_no=f"T{index:03d}",
                    department=self.department,
                    mobile=f"1380000000{index}",
                    personal_email=f"home{index}@example.com",
                )
            )
        return objects

    @property
    def form_data(self):
        return {
            "username": "new.person",
            "full_name": "新同事",
            "email": "new.person@example.com",
            "employee_no": "T900",
            "department": self.department.pk,
            "hire_date": "2026-11-01",
            "roles": [Group.objects.get(name="operator").pk],
            "national_id": "11010519491231002X",
            "mobile": "+86 139 0000 1234",
            "personal_email": "new.person@example.org",
            "bank_account": "6217 0000 0000 0030",
        }

    def get_edit_data(self, obj):
        return {
            "username": obj.user.username,
            "full_name": "改过的名字",
            "email": obj.user.email,
            "employee_no": obj.employee_no,
            "department": self.department.pk,
            "grade": "P4",
            "roles": [Group.objects.get(name="operator").pk],
        }

    invalid_field = "employee_no"

    @property
    def invalid_form_data(self):
        return {**self.form_data, "employee_no": "T000"}  # already used

    def test_new_staff_member_gets_account_roles_and_verified_email(self):
        self.add_permissions("view", "add")
        self.client.post(self.url("add"), self.form_data)
        profile = StaffProfile.objects.get(employee_no="T900")
        self.assertTrue(profile.user.is_staff)
        self.assertEqual({g.name for g in profile.user.groups.all()}, {"operator"})
        self.assertFalse(profile.user.has_usable_password())
        from allauth.account.models import EmailAddress

        self.assertTrue(EmailAddress.objects.filter(user=profile.user, verified=True).exists())

    def test_hr_cannot_hand_out_privileged_roles(self):
        self.add_permissions("view", "add")
        data = {**self.form_data, "roles": [Group.objects.get(name="system_admin").pk]}
        response = self.client.post(self.url("add"), data)
        self.assertEqual(response.status_code, 422)
        self.assertIn('data-field="roles"', response.content.decode())
        self.assertFalse(User.objects.filter(username="new.person").exists())

    def test_a_role_manager_can_hand_out_privileged_roles(self):
        self.add_permissions("view", "add")
        self.add_permissions("change", model=Role)
        data = {**self.form_data, "roles": [Group.objects.get(name="system_admin").pk]}
        self.assertEqual(self.client.post(self.url("add"), data).status_code, 302)

    def test_edit_saves_the_account_and_the_profile(self):
        self.add_permissions("view", "change")
        obj = self.objects[0]
        self.client.post(self.url("edit", obj), self.get_edit_data(obj))
        obj.refresh_from_db()
        obj.user.refresh_from_db()
        self.assertEqual(obj.user.full_name, "改过的名字")
        self.assertEqual(obj.grade, "P4")

    def test_deactivate_and_reactivate(self):
        self.add_permissions("view")
        self.add_permissions("change", model=User)
        obj = self.objects[0]
        response = self.client.post(f"/console/accounts/staff/{obj.pk}/deactivate/")
        self.assertEqual(response.status_code, 302)
        obj.user.refresh_from_db()
        self.assertFalse(obj.user.is_active)
        self.client.post(f"/console/accounts/staff/{obj.pk}/reactivate/")
        obj.user.refresh_from_db()
        self.assertTrue(obj.user.is_active)

    def test_deactivate_without_permission_is_refused(self):
        self.add_permissions("view")
        obj = self.objects[0]
        self.assertEqual(self.client.post(f"/console/accounts/staff/{obj.pk}/deactivate/").status_code, 403)
        obj.user.refresh_from_db()
        self.assertTrue(obj.user.is_active)

    def test_bulk_deactivate(self):
        self.add_permissions("view", "change")
        self.add_permissions("change", model=User)
        first, second = self.objects[0], self.objects[1]
        self.client.post(self.url("list"), {"bulk_action": "deactivate", "pk": [first.pk, second.pk]})
        self.assertEqual(
            User.objects.filter(pk__in=[first.user_id, second.user_id], is_active=True).count(), 0
        )

    def test_staff_are_never_deleted(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self.objects[0].user.delete()

    def test_department_head_sees_only_their_department(self):
        other_department = Department.objects.get(code="finance")
        outsider_user = User.objects.create_user(username="outsider", email="o@example.com", is_staff=True)
        outsider = StaffProfile.objects.create(
            user=outsider_user, employee_no="T777", department=other_department
        )
        head = User.objects.create_user(username="head", email="head@example.com", is_staff=True)
        StaffProfile.objects.create(user=head, employee_no="T778", department=self.department)
        head.groups.add(Group.objects.get(name="department_head"))
        login(self.client, head)
        content = self.client.get(self.url("list")).content.decode()
        self.assertIn(self.marker(self.objects[0]), content)
        self.assertNotIn(self.marker(outsider), content)
        self.assertEqual(self.client.get(self.url("detail", outsider)).status_code, 404)


class UserViewTests(ViewTestCases.GetObjectViewTestCase, ViewTestCases.ListObjectsViewTestCase):
    model = User

    def make_objects(self):
        return [
            User.objects.create_user(username=f"wall{i}", email=f"wall{i}@example.com", password="x" * 12)
            for i in range(3)
        ]

    def test_user_cannot_deactivate_themselves(self):
        self.add_permissions("view", "change")
        response = self.client.post(self.url("edit", self.user), {"full_name": "x", "email": self.user.email})
        self.assertEqual(response.status_code, 422)
        self.user.refresh_from_db()
        self.assertTrue(self.user.is_active)


class GrantHelperTests(ViewTestCases.ListObjectsViewTestCase):
    """Roles grant permissions to their members just as direct grants do."""

    model = Position

    def make_objects(self):
        return [Position.objects.create(name=f"Q{i}", code=f"q{i}") for i in range(2)]

    def test_permission_through_a_role(self):
        role = Group.objects.create(name="position_readers")
        grant(role, Position, ["view"])
        self.user.groups.add(role)
        self.assertEqual(self.client.get(self.url("list")).status_code, 200)


class EmailChangeTests(ViewTestCases.ListObjectsViewTestCase):
    """Changing a staff member's address moves the login address with it."""

    model = StaffProfile

    def make_objects(self):
        department = Department.objects.get(code="operations")
        objects = []
        for index in range(2):
            user = User.objects.create_user(
                username=f"mail{index}",
                email=f"old{index}@example.com",
                password="a-long-password-1",
                is_staff=True,
            )
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            objects.append(
                StaffProfile.objects.create(user=user, employee_no=f"M{index}", department=department)
            )
        return objects

    def test_new_address_logs_in_and_old_one_does_not(self):
        from django.test import Client

        self.add_permissions("view", "change")
        profile = self.objects[0]
        data = {
            "username": profile.user.username,
            "full_name": "Mail Zero",
            "email": "new0@example.com",
            "employee_no": profile.employee_no,
            "department": profile.department_id,
            "roles": [Group.objects.get(name="operator").pk],
        }
        self.assertEqual(self.client.post(self.url("edit", profile), data).status_code, 302)
        fresh = Client()
        response = fresh.post(
            "/accounts/login/", {"login": "old0@example.com", "password": "a-long-password-1"}
        )
        self.assertNotEqual(response.status_code, 302)
        response = fresh.post(
            "/accounts/login/", {"login": "new0@example.com", "password": "a-long-password-1"}
        )
        self.assertEqual(response.status_code, 302)
