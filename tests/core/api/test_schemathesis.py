"""schemathesis over the whole OpenAPI schema: no request the schema allows may cause a 5xx.

Runs against the Django WSGI application in-process, inside the test's transaction, as a staff
member with broad permissions (system administrator + HR, with two-factor set up) through a
read-write API token. Every operation gets a bounded number of generated examples.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from whitewall.accounts.models import Department, ObjectPermission, Position, Role, StaffProfile, User
from whitewall.accounts.tokens import apitoken_create
from whitewall.core.testing import api_rates

MAX_EXAMPLES = 20


@pytest.fixture
def wsgi_app():
    """The real WSGI application, with Django's per-request connection closing off (as the test
    client does), so that every request runs inside the test's transaction."""
    from django.core.wsgi import get_wsgi_application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_user(db):
    from allauth.mfa.models import Authenticator

    user = User.objects.create_user(username="fuzzer", email="fuzzer@example.com", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=["system_admin", "hr_officer"]))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    department = Department.objects.get(code="operations")
    StaffProfile.objects.create(user=user, employee_no="FUZZ-1", department=department)
    Position.objects.create(name="Fuzz position", code="fuzz-position", department=department)
    _token, key = apitoken_create(actor=user, name="schemathesis", scope="write", days=1)
    return key


@pytest.fixture
def fuzz_ids(db, api_user):
    """Rows of each kind for path parameters (alongside random ids), so that detail routes are
    exercised on real objects too. Made for the test, so that deleting them harms nothing."""
    parent = Department.objects.create(name="Fuzz parent", code="fuzz-parent")
    departments = [
        Department.objects.create(name=f"Fuzz {i}", code=f"fuzz-{i}", parent=parent) for i in range(2)
    ]
    users = []
    for index in range(2):
        person = User.objects.create_user(
            username=f"fuzzed{index}", email=f"fuzzed{index}@example.com", is_staff=True
        )
        StaffProfile.objects.create(user=person, employee_no=f"FUZZ-X{index}", department=departments[0])
        users.append(person)
    permission = ObjectPermission.objects.create(name="fuzz permission", actions=["view"])
    platform = _platform_ids()
    return {
        **platform,
        "departments": [parent.pk] + [d.pk for d in departments],
        "positions": list(Position.objects.values_list("pk", flat=True)[:2]),
        "roles": [Role.objects.create(name="fuzz_role").pk],
        "staff": list(StaffProfile.objects.filter(user__in=users).values_list("pk", flat=True)),
        "users": [u.pk for u in users],
        "permissions": [permission.pk],
    }


def _platform_ids() -> dict[str, list[int]]:
    """Rows of the platform services' resources, so that their detail routes and actions meet
    real objects (the fuzzer's own notification and delegation, an audit event, a webhook, …)."""
    import datetime

    from django.utils import timezone

    from whitewall.approvals.models import Delegation
    from whitewall.audit.models import Action
    from whitewall.audit.services import record
    from whitewall.notifications.models import Notification, WebhookEndpoint
    from whitewall.regulation.models import CheckRun, CheckSnapshot, Clause, RegulationVersion

    fuzzer = User.objects.get(username="fuzzer")
    colleague = User.objects.create_user(username="fuzz.colleague", email="fc@example.com", is_staff=True)
    today = timezone.localdate()
    event = record(action=Action.LOGIN_FAILED, object_type="accounts.user", object_id=fuzzer.pk)
    run = CheckRun.objects.create(trigger=CheckRun.Trigger.ON_DEMAND)
    clause = Clause.objects.order_by("sort_key").first()
    version = RegulationVersion.objects.create(
        number="9.9", name="Fuzz version", effective_date=today - datetime.timedelta(days=1)
    )
    return {
        "events": [event.seq],
        "inbox": [
            Notification.objects.create(recipient=fuzzer, kind="notifications.general", title="fuzz").pk
        ],
        "webhooks": [
            WebhookEndpoint.objects.create(
                name="fuzz hook", kind="generic", url="https://127.0.0.1:9/", secret="s"
            ).pk
        ],
        "delegations": [
            Delegation.objects.create(delegator=fuzzer, delegate=colleague, start=today, end=today).pk
        ],
        "clauses": [clause.pk],
        "versions": [version.pk],
        "runs": [run.pk],
        "snapshots": [CheckSnapshot.objects.create(run=run, clause=clause, status="amber").pk],
    }


@pytest.mark.xdist_group("schemathesis")
@pytest.mark.django_db
def test_no_request_in_the_schema_causes_a_server_error(wsgi_app, api_user, fuzz_ids):
    headers = {"Authorization": f"Token {api_user}"}
    with api_rates():
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20, [op.label for op in operations]
        failures = []
        for operation in operations:
            kind = operation.path.split("/")[4] if operation.path.count("/") > 4 else ""
            real_ids = fuzz_ids.get(kind, [])

            @given(case=operation.as_strategy(), real_id=st.sampled_from([None, *real_ids]))
            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def run(case, real_id):
                if real_id is not None and case.path_parameters and "id" in case.path_parameters:
                    case.path_parameters["id"] = real_id
                response = case.call(headers=headers)
                case.validate_response(response, checks=[not_a_server_error], headers=headers)

            try:
                run()
            except Exception as exc:  # collect every operation's failure, then report them all
                failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")
    assert failures == [], "\n\n".join(failures)
