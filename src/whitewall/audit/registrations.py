"""What the audit trail contributes to the platform registries: grants, menu, History tab, demo."""

from django.utils.translation import gettext_lazy

from whitewall.accounts.roles import READ, register_grants
from whitewall.core.demo import register_seeder
from whitewall.core.navigation import MenuItem, register_menu
from whitewall.core.views.generic import Tab, register_detail_tab

HISTORY_TAB = Tab(
    "history",
    gettext_lazy("History"),
    "audit/partials/object_history.html",
    permission="audit.view_auditevent",
)


def history_tab(model):
    """Every object's detail page gets a History tab (for those who may read the audit trail)."""
    from whitewall.audit.models import AuditEvent

    return None if model is AuditEvent else HISTORY_TAB


def register() -> None:
    # Auditors read everything and change nothing; nobody may change or delete audit events
    # (there are no such views, and the database refuses it).
    readers = dict.fromkeys(("security_officer", "system_admin", "auditor", "executive"), READ)
    # "verify" = start a verification of the whole chain (the API's verify action).
    verifiers = dict.fromkeys(("security_officer", "system_admin", "auditor"), ("view", "verify"))
    register_grants("audit.auditevent", {**readers, **verifiers})
    register_grants("audit.anomalyreview", {**readers, "security_officer": ("view", "add")})

    register_menu(
        "access",
        gettext_lazy("Access control"),
        "shield-lock",
        weight=90,
        items=[
            MenuItem(
                gettext_lazy("Audit trail"), "audit:auditevent_list", "audit.view_auditevent", "journal-text"
            ),
            MenuItem(
                gettext_lazy("Anomaly review"),
                "audit:auditevent_anomalies",
                "audit.view_auditevent",
                "exclamation-triangle",
            ),
        ],
    )
    register_detail_tab(history_tab)

    from whitewall.audit.demo import seed_audit

    register_seeder("audit", seed_audit, weight=90)
    register_api_routes()


def register_api_routes() -> None:
    from whitewall.audit import api
    from whitewall.core.api.registry import register_api

    register_api("audit/events", api.AuditEventViewSet)
    register_api("audit/verifications", api.VerificationViewSet, basename="audit-verification")
    register_api("audit/checkpoints", api.CheckpointViewSet, basename="audit-checkpoint")
    register_api("audit/anomaly-reviews", api.AnomalyReviewViewSet)
