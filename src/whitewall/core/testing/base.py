from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client


def permission_model():
    return apps.get_model(settings.WHITEWALL_OBJECT_PERMISSION_MODEL)


def grant(
    user_or_group,
    model: type[Model],
    actions: list[str] | tuple[str, ...],
    constraints: Any = None,
    name=None,
):
    """Give a user (or a role) ``actions`` on ``model``, optionally constrained."""
    ObjectPermission = permission_model()
    count = ObjectPermission.objects.count()
    permission = ObjectPermission.objects.create(
        name=name or f"test-{model._meta.label_lower}-{'-'.join(actions)}-{count}",
        actions=list(actions),
        constraints=constraints,
    )
    permission.object_types.add(ContentType.objects.get_for_model(model, for_concrete_model=False))
    if isinstance(user_or_group, get_user_model()):
        permission.users.add(user_or_group)
        for attribute in ("_object_perm_cache",):
            if hasattr(user_or_group, attribute):
                delattr(user_or_group, attribute)
    else:
        permission.groups.add(user_or_group)
    return permission


SESSION_BACKEND = "whitewall.accounts.backends.LoginBackend"


def login(client: Client, user) -> None:
    """Log ``user`` in on ``client`` (through the backend that sessions use)."""
    client.force_login(user, backend=SESSION_BACKEND)


class ModelTestMixin:
    """A logged-in active staff member with no roles and no permissions."""

    model: type[Model]

    def setUp(self):
        super().setUp()
        self.user = get_user_model().objects.create_user(
            username="tester", email="tester@example.com", password="tester-password-123", is_staff=True
        )
        self.client = Client()
        login(self.client, self.user)

    def add_permissions(self, *actions: str, constraints: Any = None, model: type[Model] | None = None):
        return grant(self.user, model or self.model, actions, constraints)
