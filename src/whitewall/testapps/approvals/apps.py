from django.apps import AppConfig


class TestApprovalsConfig(AppConfig):
    name = "whitewall.testapps.approvals"
    label = "testapp_approvals"
    verbose_name = "Approvals test documents"
