"""The audit filters refuse what cannot be a date range or an event number: the explorer and the
review queue show the error under the field (no rows, no 500), the API answers 400 naming it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from whitewall.audit.models import Action, AuditEvent
from whitewall.audit.services import record
from whitewall.core.testing.base import grant, login

HUGE = "99999999999999999999"

# (query, the field that must carry the error)
INVALID = [
    ({"since": "0001-01-01"}, "since"),
    ({"until": "0001-01-01"}, "until"),
    ({"since": "9999-12-31"}, "since"),
    ({"until": "9999-12-31"}, "until"),
    ({"since": "2031-05-02", "until": "2031-05-01"}, "until"),
]
INVALID_EVENT_NUMBERS = [
    ({"seq_from": "-1"}, "seq_from"),
    ({"seq_from": "0"}, "seq_from"),
    ({"seq_from": "1.5"}, "seq_from"),
    ({"seq_from": HUGE}, "seq_from"),
]
PAGES = ["audit:auditevent_list", "audit:auditevent_anomalies"]


@pytest.fixture
def reader(db):
    """A staff member who may read the trail, logged in, and one security event to find."""
    from whitewall.accounts.models import User

    user = User.objects.create_user(username="filter.reader", is_staff=True)
    grant(user, AuditEvent, ["view"])
    client = Client()
    login(client, user)
    record(action=Action.LOGIN_FAILED, object_repr="visible failure")
    return client


def errors_shown(response, field):
    assert response.status_code == 200
    filterset = response.context["filterset"]
    assert not filterset.is_valid()
    assert field in filterset.errors, filterset.errors
    html = response.content.decode()
    assert 'class="invalid-feedback d-block"' in html
    for message in filterset.errors[field]:
        assert str(message) in html
    assert "visible failure" not in html  # an invalid filter shows no rows
    return filterset.errors[field]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("query", "field"), INVALID + INVALID_EVENT_NUMBERS)
def test_the_pages_show_the_error_under_the_field(reader, page, query, field):
    errors_shown(reader.get(reverse(page), query), field)


@pytest.mark.parametrize("page", PAGES)
def test_the_errors_say_what_is_allowed(reader, page):
    client = reader
    client.cookies["whitewall_language"] = "en"
    (message,) = errors_shown(client.get(reverse(page), {"until": "9999-12-31"}), "until")
    assert "1900-01-01" in message and "2999-12-31" in message
    (message,) = errors_shown(
        client.get(reverse(page), {"since": "2031-05-02", "until": "2031-05-01"}), "until"
    )
    assert message == "The end date must be on or after the start date."


@pytest.mark.parametrize("page", PAGES)
def test_the_widest_range_and_a_single_day_are_accepted(reader, page):
    today = timezone.localdate().isoformat()
    for query in (
        {"since": "1900-01-01", "until": "2999-12-31"},
        {"since": today, "until": today},
        {"since": "1900-01-01"},
        {"until": "2999-12-31"},
    ):
        response = reader.get(reverse(page), {**query, "per_page": 200})
        assert response.status_code == 200
        assert response.context["filterset"].is_valid(), response.context["filterset"].errors
        assert "visible failure" in response.content.decode()


def test_a_first_event_number_is_accepted(reader):
    response = reader.get(reverse("audit:auditevent_list"), {"seq_from": "1", "per_page": 200})
    assert response.context["filterset"].is_valid()
    assert "visible failure" in response.content.decode()


def test_the_export_of_an_invalid_filter_is_empty_not_an_error(reader):
    response = reader.get(reverse("audit:auditevent_list"), {"until": "9999-12-31", "export": "csv"})
    assert response.status_code == 200
    assert "visible failure" not in b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize(("query", "field"), INVALID + INVALID_EVENT_NUMBERS)
def test_the_api_answers_400_naming_the_field(reader, query, field):
    response = reader.get(reverse("api:audit-auditevent-list"), query)
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert "detail" in body
    assert field in body["errors"], body


def test_the_api_accepts_the_widest_range(reader):
    response = reader.get(
        reverse("api:audit-auditevent-list"), {"since": "1900-01-01", "until": "2999-12-31", "seq_from": 1}
    )
    assert response.status_code == 200
    assert any(row["object_repr"] == "visible failure" for row in response.json()["results"])


def test_filtering_live_says_why_the_table_is_empty(reader):
    """htmx swaps only the table while someone types in the filters: the error comes with it."""
    client = reader
    client.cookies["whitewall_language"] = "en"
    query = {"since": "2031-05-02", "until": "2031-05-01"}
    html = client.get(reverse("audit:auditevent_list"), query, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="filter-errors"' in html
    assert "The end date must be on or after the start date." in html
    valid = client.get(reverse("audit:auditevent_list"), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="filter-errors"' not in valid
