"""Console: the person behind an anonymous post, revealed only with ``reveal`` and audited."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from whitewall.accounts.models import User
from whitewall.audit.models import AuditEvent
from whitewall.core.testing import login
from whitewall.wall import testing as f
from whitewall.wall.services.posts import post_submit

pytestmark = pytest.mark.django_db


def _staff(role: str) -> User:
    user = User.objects.create_user(username=f"staff-{role}", email=f"{role}@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def anonymous_post():
    author = f.wall_user(username="secret-author")
    return post_submit(
        actor=f.visitor(author, ip="203.0.113.9"), topic=f.topic(), body="匿名反映问题", is_anonymous=True
    )


def test_operations_manager_reveals_the_submitter_and_the_reveal_is_audited(client, anonymous_post):
    manager = _staff("operations_manager")
    login(client, manager)
    page = client.get(reverse("wall:post_identity", args=[anonymous_post.pk])).content.decode()
    assert "secret-author" not in page and "203.0.113.9" not in page
    assert 'data-testid="reveal-submitter_identity"' in page
    before = AuditEvent.objects.filter(action="reveal").count()
    response = client.post(
        reverse("wall:post_reveal", args=[anonymous_post.pk]),
        {"field": "submitter_identity"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "secret-author" in response.content.decode() and "203.0.113.9" in response.content.decode()
    assert AuditEvent.objects.filter(action="reveal").count() == before + 1


def test_reviewers_see_the_identity_masked_and_cannot_reveal(client, anonymous_post):
    reviewer = _staff("content_reviewer")
    login(client, reviewer)
    page = client.get(reverse("wall:post_identity", args=[anonymous_post.pk])).content.decode()
    assert 'data-testid="reveal-submitter_identity"' not in page
    response = client.post(
        reverse("wall:post_reveal", args=[anonymous_post.pk]), {"field": "submitter_identity"}
    )
    assert response.status_code == 403
    assert "secret-author" not in response.content.decode()


def test_reveal_is_granted_to_the_operations_manager_and_the_security_officer_only():
    from whitewall.accounts.roles import ROLES
    from whitewall.core.permissions import has_model_permission
    from whitewall.wall.models import Post

    allowed = {role for role in ROLES if has_model_permission(_staff(role), Post, "reveal")}
    assert allowed == {"operations_manager", "security_officer"}
