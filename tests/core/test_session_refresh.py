"""Sessions slide forward while the person works, but are written at most once a minute."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from whitewall.core.middleware import SessionRefreshMiddleware
from whitewall.core.testing import login


@pytest.mark.django_db
def test_activity_moves_the_expiry_forward_at_most_once_a_minute():
    user = get_user_model().objects.create_user(username="s", email="s@example.com", is_staff=True)
    client = Client()
    login(client, user)
    client.get("/console/")
    key = client.session.session_key
    # Pretend the session was last refreshed long ago and is close to expiring.
    session = client.session
    session[SessionRefreshMiddleware.KEY] = 0
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=2))
    client.get("/console/")
    refreshed = Session.objects.get(session_key=key).expire_date
    assert refreshed > timezone.now() + timedelta(minutes=60)
    # A second request within the minute does not write the session again.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=2))
    client.get("/console/")
    assert Session.objects.get(session_key=key).expire_date < timezone.now() + timedelta(minutes=3)
