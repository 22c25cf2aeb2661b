"""Walk every registered URL and prove deny-by-default.

Anonymous visitors are sent to log in (or refused); a logged-in staff member without any
permission is refused (403/404/405); a wall user is refused from the console. Never 200 for
what needs a permission, never 500 for anyone. URLs that are public by design are in an
allow-list, each with its reason, and must still never fail with a server error.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils import timezone
from model_bakery import baker

from whitewall.accounts.models import Department, ObjectPermission, Position, StaffProfile, User
from whitewall.accounts.tokens import apitoken_create
from whitewall.audit.services import record
from whitewall.core.testing import api_rates, login

# Public by design: the wall, account entry pages, language switching, translations.
PUBLIC = {
    "home": "the public wall",
    "javascript-catalog": "translations for static scripts",
    "set_language": "language switch (POST only)",
    "admin:logout": "logging out needs no permission",
    "healthz": "load balancer health check; reveals only ok/error",
    "wall_topic": "the public wall: a topic's published posts",
    "wall_tag": "the public wall: a tag's published posts",
    "wall_search": "the public wall: search of published posts",
    "wall_csrf": "the public wall: sets the CSRF cookie for pages served from the cache (no data)",
    "wall_post": "the public wall: a published post (404 for anything else)",
    "wall_post_seen": "the public wall: counts a view of a published post (POST only)",
    "wall_post_like": "the public wall: likes are open to visitors (guests by a signed cookie)",
    "wall_comment_add": "the public wall: commenting (wall users; guests if the policy allows)",
    "wall_post_report": "the public wall: any logged-in visitor may report a published post",
    "wall_comment_report": "the public wall: any logged-in visitor may report a published comment",
    "wall_image": "the public wall: an image of a published post; others only to submitter and staff",
    "wall_image_thumb": "the public wall: as wall_image, the thumbnail",
    "wall_submit": "the public wall: submission for wall users (guests if the policy allows)",
    "api:wall-public-post-list": "the public wall's API: published posts, open to anyone",
    "api:wall-public-post-detail": "the public wall's API: one published post (404 otherwise)",
    "api:wall-public-post-like": "the public wall's API: any logged-in user may like a published post",
}
# Every staff member's own console pages: they show only what the user may see (tested below).
STAFF_PAGES = {
    "console:home": "the console landing page; its cards are computed per user",
    "console:search": "global search; results are restricted per model",
    "console:policy": "the organisation's effective policy: rules every staff member works by, no secrets",
    "regulation:acknowledgement_mine": "a staff member's own acknowledgement of the regulation in force",
    "approvals:inbox": "the user's own approvals (to do, done, CC'd, submitted); nothing of anyone else's",
    "approvals:delegation_mine": "the user's own delegations; creating one delegates only the user's own approvals",
    "accounts:apitoken_own": "the user's own API tokens; lists and revokes only their own",
    "api:api-root": "the API's list of resources (names only); each resource checks its own permission",
    "api:me-list": "the caller's own account and grants",
    "api:approvals-approvalrequest-list": "approval requests the caller takes part in (or may read by permission)",
    "api:approvals-approvalrequest-todo": "the caller's own approval inbox: steps waiting for them",
    "api:approvals-approvalrequest-done": "the caller's own approval inbox: their decisions",
    "api:approvals-approvalrequest-cc-inbox": "the caller's own approval inbox: requests they were CC'd on",
    "api:approvals-approvalrequest-submit": "submits only a document the caller may see and submit (the service checks)",
    "api-schema": "the API's description, no data: staff only (decisions.md, REST API)",
    "api-docs": "Swagger UI for the schema above: staff only",
}
# The person's own pages (any logged-in user) — allauth's account, email, password and MFA pages.
OWN_PAGES_PREFIXES = (
    "account_",
    "mfa_",
    "my_page",
    "my_submission",
    "my_feedback",
    # the public wall's API: the caller's own submissions, reports and feedback, nobody else's
    "api:wall-submission-",
    "api:wall-report-",
    "api:wall-feedback-",
)
ADMIN_PREFIX = "admin:"


@dataclass
class Route:
    name: str
    kwargs_names: list[str]


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            pattern = entry.pattern
            if hasattr(pattern, "converters") and pattern.converters:
                names = list(pattern.converters)
            else:
                names = list(re.compile(str(pattern.regex.pattern)).groupindex)
            yield Route(name=f"{namespace}{entry.name}", kwargs_names=names)


def all_routes() -> list[Route]:
    seen, routes = set(), []
    for route in _walk(get_resolver().url_patterns):
        if route.name not in seen:
            seen.add(route.name)
            routes.append(route)
    return routes


def _wall_plan_objects(user) -> dict:
    topic = baker.make("wall.Topic", name="every-url", slug="every-url")
    item = baker.make("wall.PlanItem", title="x", topic=topic, owner=user, slot=timezone.now())
    staff_post = baker.make("wall.Post", topic=topic, body="x", source="staff", status="draft")
    scheduled = baker.make(
        "wall.Post", topic=topic, body="y", status="scheduled", scheduled_for=timezone.now()
    )
    return {
        "wall:planitem_": item.pk,
        "wall:staffpost_": staff_post.pk,
        "wall:post_move": scheduled.pk,
        "api:wall-planitem-": item.pk,
        "api:wall-staffpost-": staff_post.pk,
        "api:wall-schedule-": scheduled.pk,
    }


def _objects():
    """One object of every model a URL can point at, made by factories."""
    from whitewall.approvals.models import ApprovalRequest, Delegation
    from whitewall.notifications.models import Notification, WebhookEndpoint
    from whitewall.regulation.models import Clause, RegulationVersion

    department = Department.objects.get(code="operations")
    user = User.objects.create_user(username="target", email="target@example.com", is_staff=True)
    profile = StaffProfile.objects.create(user=user, employee_no="X1", department=department)
    return {
        "pk": profile.pk,
        "_by_route": {
            "accounts:user_": user.pk,
            "accounts:staffprofile_": profile.pk,
            "accounts:department_": department.pk,
            "accounts:position_": baker.make("accounts.Position", code="pos-x").pk,
            "accounts:role_": Group.objects.get(name="operator").pk,
            "accounts:objectpermission_": baker.make(
                "accounts.ObjectPermission", name="every-url", actions=["view"]
            ).pk,
            "accounts:accessattempt_": baker.make(
                "axes.AccessAttempt", username="target", failures_since_start=9
            ).pk,
            "notifications:notification_": baker.make(
                "notifications.Notification", recipient=user, kind="notifications.general"
            ).pk,
            "notifications:webhookendpoint_": baker.make(
                "notifications.WebhookEndpoint", kind="generic", url="http://127.0.0.1:9/", enabled=False
            ).pk,
            "notifications:delivery_": baker.make(
                "notifications.Delivery", channel="email", kind="notifications.general", status="failed"
            ).pk,
            "core:job_": baker.make("core.Job", name="x", task="x", created_by=user).pk,
            "core:periodicrun_": baker.make("core.PeriodicRun", name="core.cleanup_jobs", task_id="t-1").pk,
            "regulation:regulationversion_": baker.make(
                "regulation.RegulationVersion", number="9.9", effective_date="2026-01-01"
            ).pk,
            # The request belongs to "target" and involves nobody else: others are refused.
            "approvals:approvalrequest_": _approval_request(user).pk,
            "approvals:delegation_": baker.make(
                "approvals.Delegation",
                delegator=user,
                delegate=User.objects.create_user(username="target2", email="t2@example.com", is_staff=True),
                start=datetime.date.today(),
                end=datetime.date.today(),
            ).pk,
            # The wall's publishing plan: a plan item, a staff post, and a scheduled post to move.
            **_wall_plan_objects(user),
            "accounts:apitoken_": apitoken_create(actor=user, name="target's", scope="write", days=5)[0].pk,
            # The REST API: /api/v1/<app>/<resource>/<pk>/ (route names "api:<app>-<model>-…").
            "api:accounts-user-": user.pk,
            "api:accounts-staffprofile-": profile.pk,
            "api:accounts-department-": department.pk,
            "api:accounts-position-": Position.objects.get(code="pos-x").pk,
            "api:accounts-role-": Group.objects.get(name="operator").pk,
            "api:accounts-objectpermission-": ObjectPermission.objects.get(name="every-url").pk,
            "audit:auditevent_": record(action="login_failed", object_repr="target").seq,
            **_word_objects(),
            **_wall_objects(user),
            **_review_objects(user),
            **_finance_objects(department, user),
            **_finance_costs_objects(department, user),
            "api:audit-auditevent-": record(action="login_failed", object_repr="api target").seq,
            "api:audit-anomalyreview-": baker.make("audit.AnomalyReview", event_seq=10**9).pk,
            "api:audit-verification-": baker.make("core.Job", name="verify", task="audit.verify").pk,
            "api:approvals-approvalrequest-": ApprovalRequest.objects.get(submitted_by=user).pk,
            "api:approvals-delegation-": Delegation.objects.get(delegator=user).pk,
            "api:notifications-notification-": Notification.objects.get(recipient=user).pk,
            "api:notifications-webhookendpoint-": WebhookEndpoint.objects.get().pk,
            "api:regulation-clause-": Clause.objects.get(code="1.1").pk,
            "api:regulation-regulationversion-": RegulationVersion.objects.get(number="9.9").pk,
            "api:regulation-acknowledgement-": baker.make(
                "regulation.Acknowledgement", user=user, version=RegulationVersion.objects.get(number="9.9")
            ).pk,
            "api:regulation-checkrun-": (run := baker.make("regulation.CheckRun", trigger="on_demand")).pk,
            "api:regulation-checksnapshot-": baker.make(
                "regulation.CheckSnapshot", run=run, clause=Clause.objects.get(code="1.1"), status="green"
            ).pk,
        },
    }


def _word_objects():
    word_list = baker.make("wall.WordList", name="every-url", action="block")
    word = baker.make("wall.Word", word_list=word_list, term="传销")
    term = baker.make("wall.WhitelistTerm", term="传销举报热线")
    return {
        "wall:wordlist_": word_list.pk,
        "wall:word_": word.pk,
        "wall:whitelistterm_": term.pk,
        "api:wall-wordlist-": word_list.pk,
        "api:wall-word-": word.pk,
        "api:wall-whitelistterm-": term.pk,
    }


def _wall_objects(user):
    from django.utils import timezone

    from whitewall.wall.models import Comment, Post, PostImage, Topic

    topic = Topic.objects.create(name="每个网址", slug="every-url-public")
    post = Post.objects.create(
        topic=topic, body="target's post", status="published", published_at=timezone.now(), submitter_key="k"
    )
    comment = Comment.objects.create(post=post, body="target's comment", status="published")
    image = PostImage.objects.create(post=post, image="wall/none.jpg", width=1, height=1, sha256="0" * 64)
    return {
        "wall_comment_add": post.pk,
        "wall_comment_": comment.pk,
        "wall_image": image.pk,
        "wall_post": post.pk,
        "my_submission_": post.pk,
        "api:wall-public-post-": post.pk,
        "api:wall-submission-": post.pk,
    }


def _review_objects(user) -> dict:
    """Content operations: a pending post and comment, a report and a complaint."""
    from whitewall.wall.models import Comment, Feedback, Post, Report, Topic

    topic = Topic.objects.create(name="every-url-review", slug="every-url-review")
    post = Post.objects.create(
        topic=topic, body="every url", status="pending", takedown_requested_at="2026-01-01T00:00Z"
    )
    comment = Comment.objects.create(post=post, body="every url")
    report = Report.objects.create(post=post, reason="spam", reporter_key="every-url")
    feedback = Feedback.objects.create(user=user, subject="every url", body="every url")
    return {
        "wall:review_post": post.pk,
        "wall:review_comment": comment.pk,
        "wall:report_": report.pk,
        "wall:feedback_": feedback.pk,
        "wall:takedown_": post.pk,
        "api:wall-review-post-": post.pk,
        "api:wall-review-comment-": comment.pk,
        "api:wall-moderation-report-": report.pk,
        "api:wall-moderation-feedback-": feedback.pk,
    }


def _finance_objects(department, user) -> dict:
    """Projects and finance: one of each, through the services that make them in real use."""
    from whitewall.finance.testing import every_url_objects

    return every_url_objects(department, user)


def _finance_costs_objects(department, user) -> dict:
    """Purchases, cost reports and saving measures: one of each."""
    from whitewall.finance.testing_costs import every_url_objects

    return every_url_objects(department, user)


def _approval_request(user):
    from django.contrib.contenttypes.models import ContentType

    from whitewall.approvals.models import ApprovalRequest

    return ApprovalRequest.objects.create(
        content_type=ContentType.objects.get_for_model(user),
        object_id=user.pk,
        title="target's request",
        process="finance.reimbursement",
        status="pending",
        submitted_by=user,
    )


def build_url(route: Route, objects) -> str | None:
    values = {}
    for name in route.kwargs_names:
        if name == "pk":
            prefix = next((p for p in objects["_by_route"] if route.name.startswith(p)), None)
            values[name] = objects["_by_route"][prefix] if prefix else objects["pk"]
        elif name == "app_label":
            values[name] = "accounts"
        elif name in ("object_id", "id"):
            values[name] = "1"
        elif name == "code":  # a clause of the regulation (seeded after migrate)
            values[name] = "1.1"
        else:
            values[name] = "x1"
    try:
        return reverse(route.name, kwargs=values or None)
    except NoReverseMatch:
        return None


def _classify(route: Route) -> str:
    if route.name in PUBLIC:
        return "public"
    if route.name in STAFF_PAGES:
        return "staff"
    if route.name.startswith(OWN_PAGES_PREFIXES):
        return "own"
    if route.name.startswith(ADMIN_PREFIX):
        return "admin"
    return "protected"


@pytest.fixture
def objects(db):
    return _objects()


@pytest.fixture(autouse=True)
def _no_rate_limits():
    """Walking every URL is many calls in a second: rate limits are tested on their own."""
    with api_rates():
        yield


@pytest.mark.django_db
def test_every_route_is_reachable_for_the_test(objects):
    """The walk must see the console's routes; an empty walk would prove nothing."""
    names = {route.name for route in all_routes()}
    assert {"accounts:staffprofile_list", "accounts:department_edit", "console:home"} <= names
    unresolved = [
        r.name for r in all_routes() if _classify(r) == "protected" and build_url(r, objects) is None
    ]
    assert unresolved == [], f"cannot build a URL for: {unresolved}"


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_or_refused(objects):
    client = Client()
    problems = []
    for route in all_routes():
        url = build_url(route, objects)
        if url is None:
            continue
        kind = _classify(route)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            code = response.status_code
            if code >= 500:
                problems.append(f"{method.upper()} {url} ({route.name}): {code}")
            elif kind in ("protected", "admin", "staff"):
                redirected_to_login = code == 302 and "login" in response.get("Location", "")
                # The API answers 401 (not logged in) where pages send a person to log in.
                if not (redirected_to_login or code in (401, 403, 404, 405)):
                    problems.append(f"{method.upper()} {url} ({route.name}): {code} for an anonymous visitor")
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
def test_staff_without_permissions_are_refused_everywhere(objects):
    user = User.objects.create_user(username="nobody", email="nobody@example.com", is_staff=True)
    client = Client()
    login(client, user)
    problems = []
    for route in all_routes():
        url = build_url(route, objects)
        if url is None or _classify(route) in ("public", "own", "staff"):
            continue
        for method in ("get", "post"):
            code = getattr(client, method)(url).status_code
            if code not in (403, 404, 405):
                problems.append(f"{method.upper()} {url} ({route.name}): {code} without permission")
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
def test_wall_users_never_reach_the_console(objects):
    user = User.objects.create_user(username="walluser", email="w@example.com")
    client = Client()
    login(client, user)
    problems = []
    for route in all_routes():
        url = build_url(route, objects)
        if url is None or not url.startswith(("/console/", "/admin/")):
            continue
        code = client.get(url).status_code
        if code != 403:
            problems.append(f"GET {url} ({route.name}): {code} for a wall user")
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
def test_own_pages_never_fail_for_a_logged_in_user(objects):
    user = User.objects.create_user(username="someone", email="someone@example.com", password="x" * 12)
    client = Client()
    login(client, user)
    problems = []
    for route in all_routes():
        url = build_url(route, objects)
        if url is None or _classify(route) != "own":
            continue
        code = client.get(url).status_code
        if code >= 500:
            problems.append(f"GET {url} ({route.name}): {code}")
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
def test_staff_pages_show_nothing_to_a_user_without_permissions(objects):
    user = User.objects.create_user(username="nobody", email="nobody@example.com", is_staff=True)
    client = Client()
    login(client, user)
    home = client.get(reverse("console:home")).content.decode()
    assert 'data-testid="menu-item"' not in home
    assert "ww-figure" not in home
    results = client.get(reverse("console:search"), {"q": "target"}).content.decode()
    # (the user menu's link to the user's own API tokens is on every console page)
    assert "/console/accounts/" not in results.replace(reverse("accounts:apitoken_own"), "")
    # ...while a user who may view staff finds them.
    user.groups.add(Group.objects.get(name="hr_officer"))
    client = Client()
    login(client, user)
    results = client.get(reverse("console:search"), {"q": "target"}).content.decode()
    assert "/console/accounts/staff/" in results
