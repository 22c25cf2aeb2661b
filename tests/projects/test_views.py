"""The view battery for the minimal project register."""

from whitewall.core.testing import ViewTestCases
from whitewall.projects.models import Project


class ProjectViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = Project
    invalid_field = "code"

    def make_objects(self):
        return [Project.objects.create(code=f"p-{i}", name=f"项目 {i}", owner=self.user) for i in range(3)]

    @property
    def form_data(self):
        return {"code": "wall-3", "name": "白墙 3.0", "owner": self.user.pk, "status": "planned"}

    @property
    def invalid_form_data(self):
        return {**self.form_data, "code": "bad code!"}
