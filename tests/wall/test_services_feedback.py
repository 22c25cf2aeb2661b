"""Feedback and complaints from wall users."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from whitewall.wall import testing as f
from whitewall.wall.models import Feedback
from whitewall.wall.services.feedback import feedback_send

pytestmark = pytest.mark.django_db


def test_feedback_send_sets_the_answer_deadline_from_the_policy():
    user = f.wall_user()
    with f.policy_with(complaint_response_hours=10):
        item = feedback_send(actor=user, kind="complaint", subject="帖子内容不实", body="请核实")
    assert item.status == Feedback.Status.OPEN
    assert abs((item.due_at - item.created).total_seconds() - 36000) < 5


def test_feedback_send_refuses_guests_and_bad_input():
    with pytest.raises(PermissionDenied):
        feedback_send(actor=AnonymousUser(), kind="feedback", subject="s", body="b")
    with pytest.raises(ValidationError) as error:
        feedback_send(actor=f.wall_user(), kind="feedback", subject="", body="")
    assert {"subject", "body"} <= set(error.value.message_dict)
    assert not Feedback.objects.exists()
