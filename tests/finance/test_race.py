"""50 commitments at once against a line with room for exactly 10: exactly 10 are committed."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from whitewall.finance import control
from whitewall.finance.models import BudgetLine, Commitment, CommitmentStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks (select_for_update) and concurrent writers need PostgreSQL; SQLite serialises writes"
        )


def test_fifty_parallel_commitments_against_room_for_ten(org):
    org.budget("travel", "1200")  # annual stop; 100 yuan each → room for 12 …
    # … minus 200 already committed by someone else: room for exactly 10.
    control.budget_commit(
        actor=org.applicant,
        document=org.colleague,
        line_key="x",
        department=org.department,
        category=org.category("travel"),
        on=org.today.replace(month=12, day=1),
        amount=Decimal("200"),
    )
    users = [org.head] * 50
    barrier = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(index):
        try:
            barrier.wait()
            control.budget_commit(
                actor=org.applicant,
                document=users[index],
                line_key=f"line-{index}",
                department=org.department,
                category=org.category("travel"),
                on=org.today.replace(month=12, day=1),
                amount=Decimal("100"),
            )
            result = "ok"
        except ValidationError:
            result = "refused"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes.count("ok") == 10, outcomes
    assert outcomes.count("refused") == 40
    line = BudgetLine.objects.get(
        fiscal_year=org.year, department=org.department, category=org.category("travel")
    )
    assert line.committed == Decimal("1200.00")
    assert Commitment.objects.filter(status=CommitmentStatus.COMMITTED, line=line).count() == 11
