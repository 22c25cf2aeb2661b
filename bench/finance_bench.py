"""Finance benchmark: the budget check and the cost analysis dashboard with 100 and with 100,000
reimbursement claims behind the ledger (SQLite, and PostgreSQL when reachable).

    PYTHONPATH=src python bench/finance_bench.py [--no-postgres]     # or: make bench-finance
    BENCH_DATABASE_URL=postgres://user@host:5432/dbname PYTHONPATH=src python bench/finance_bench.py

Each database runs in its own process on a fresh database (the shared harness: SQLite in a
temporary directory; PostgreSQL at BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ww_finance_bench, dropped and created again; skipped when the
server cannot be reached). Claims (one line each, with its commitment, paid or in approval) are
bulk-inserted over every department's budget lines and the ledger's running totals are set from
them, as the services would have left them. Then, at each size:

- ``budget_check``: queries per call and median / fastest time of 300 calls (spread over lines and
  months);
- the dashboard ``/console/finance/analysis/``: median server time of 30 requests (a finance
  officer; the whole request: middleware, permissions, queries, template) and its query count.

Targets (issue 5): the same query count at both sizes and a check time within 10%; the dashboard
under 300 ms at 100,000 claims. Figures are printed and written to bench/results/finance.json and
finance.md.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import _harness as harness

SIZES = (100, 100_000)
CHECKS, REQUESTS = 300, 30
CHUNK = 5000


def child(backend: str, url: str | None, redis: str | None, out: Path, options) -> None:
    harness.setup_django("finance", backend, url)
    import datetime
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Q, Sum
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    call_command("migrate", verbosity=0, interactive=False)
    setup_test_environment()  # the test client's host and response capture

    from allauth.mfa.models import Authenticator

    from whitewall.accounts.models import Department, StaffProfile, User
    from whitewall.finance import control
    from whitewall.finance.models import (
        Budget,
        BudgetCategory,
        BudgetLine,
        BudgetLineMonth,
        BudgetStatus,
        Claim,
        ClaimLine,
        Commitment,
        FiscalYear,
    )

    year = datetime.date.today().year
    fiscal_year = FiscalYear.objects.create(
        year=year, start_date=datetime.date(year, 1, 1), end_date=datetime.date(year, 12, 31)
    )
    departments = list(Department.objects.filter(children__isnull=True))
    categories = list(BudgetCategory.objects.all())
    for department in departments:
        for category in categories:
            budget = Budget(
                fiscal_year=fiscal_year, department=department, category=category, amount=Decimal("50000000")
            )
            budget.full_clean()
            budget.status = BudgetStatus.ACTIVE
            budget.save()
            control.budget_line_set_budget(budget)
    lines = list(BudgetLine.objects.filter(fiscal_year=fiscal_year))
    officer = User.objects.create_user(
        username="bench", email="bench@example.com", is_staff=True, full_name="Bench"
    )
    officer.groups.add(Group.objects.get(name="finance_officer"))
    StaffProfile.objects.create(user=officer, employee_no="B0001", department=departments[0], grade="P4")
    Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={})
    claim_type = ContentType.objects.get_for_model(Claim)

    def insert(start: int, stop: int) -> None:
        """Claims ``start``..``stop`` with one line and one commitment each (bulk)."""
        for first in range(start, stop, CHUNK):
            last = min(first + CHUNK, stop)
            with transaction.atomic():
                claims = []
                for number in range(first, last):
                    line = lines[number % len(lines)]
                    paid = number % 4 != 0
                    claims.append(
                        Claim(
                            number=f"BX-B{number:07d}",
                            applicant=officer,
                            department_id=line.department_id,
                            purpose="差旅报销",
                            status="paid" if paid else "in_approval",
                            amount=Decimal(100 + number % 900),
                        )
                    )
                Claim.objects.bulk_create(claims)
                if claims[0].pk is None:  # a database that returns no ids from bulk inserts
                    claims = list(
                        Claim.objects.filter(number__in=[c.number for c in claims]).order_by("number")
                    )
                claim_lines = []
                for claim, number in zip(claims, range(first, last), strict=True):
                    line = lines[number % len(lines)]
                    claim_lines.append(
                        ClaimLine(
                            claim=claim,
                            category_id=line.category_id,
                            date=datetime.date(year, 1 + number % 12, 1 + number % 28),
                            amount=claim.amount,
                            description="交通费",
                        )
                    )
                ClaimLine.objects.bulk_create(claim_lines)
                if claim_lines[0].pk is None:
                    claim_lines = list(ClaimLine.objects.filter(claim__in=claims).order_by("claim__number"))
                commitments = []
                for claim_line, number in zip(claim_lines, range(first, last), strict=True):
                    line = lines[number % len(lines)]
                    paid = number % 4 != 0
                    commitments.append(
                        Commitment(
                            line=line,
                            month=claim_line.date.month,
                            on=claim_line.date,
                            content_type=claim_type,
                            object_id=claim_line.claim_id,
                            line_key=claim_line.line_key,
                            status="actual" if paid else "committed",
                            amount=Decimal(0) if paid else claim_line.amount,
                            actual_amount=claim_line.amount if paid else Decimal(0),
                            description="差旅报销",
                        )
                    )
                Commitment.objects.bulk_create(commitments)
        # The running totals, as the services keep them: one grouped query per level.
        with transaction.atomic():
            sums = {
                (row["line_id"], row["month"]): row
                for row in Commitment.objects.values("line_id", "month")
                .annotate(c=Sum("amount"), a=Sum("actual_amount"))
                .order_by()
            }
            months = list(BudgetLineMonth.objects.filter(line__in=lines))
            for month in months:
                row = sums.get((month.line_id, month.month), {})
                month.committed, month.actual = row.get("c") or 0, row.get("a") or 0
            BudgetLineMonth.objects.bulk_update(months, ["committed", "actual"], batch_size=1000)
            for line in lines:
                line.committed = sum((m.committed for m in months if m.line_id == line.pk), Decimal(0))
                line.actual = sum((m.actual for m in months if m.line_id == line.pk), Decimal(0))
            BudgetLine.objects.bulk_update(lines, ["committed", "actual"], batch_size=500)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # both databases: fresh statistics for the planner

    def measure(size: int) -> dict:
        figures = {"claims": Claim.objects.count(), "commitments": Commitment.objects.count()}
        assert figures["claims"] == size, figures
        # budget_check: warm once, then count the queries of one call and time many.
        department, category = departments[0], categories[0]
        on = datetime.date(year, 6, 15)
        control.budget_check(department=department, category=category, on=on, amount="100")
        with CaptureQueriesContext(connection) as queries:
            control.budget_check(department=department, category=category, on=on, amount="100")
        figures["check_queries"] = len(queries)
        times = []
        for index in range(-50, CHECKS):  # 50 warm-up calls, not counted
            line = lines[index % len(lines)]
            started = time.perf_counter()
            control.budget_check(
                department=line.department,
                category=line.category,
                on=datetime.date(year, 1 + index % 12, 10),
                amount="250",
            )
            if index >= 0:
                times.append(time.perf_counter() - started)
        figures["check_ms_median"] = statistics.median(times) * 1000
        figures["check_ms_min"] = min(times) * 1000
        # The dashboard, as a finance officer, through the whole request.
        client = Client()
        client.force_login(officer, backend="whitewall.accounts.backends.LoginBackend")
        url = "/console/finance/analysis/"
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        figures["dashboard_queries"] = len(queries)
        times = []
        for _round in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        figures["dashboard_ms_median"] = statistics.median(times) * 1000
        figures["dashboard_ms_min"] = min(times) * 1000
        figures["dashboard_ms_max"] = max(times) * 1000
        # For reference: the same figure summed from the documents instead of the running totals.
        started = time.perf_counter()
        list(
            Commitment.objects.filter(line__fiscal_year=fiscal_year)
            .values("line__department_id")
            .annotate(c=Sum("amount"), a=Sum("actual_amount", filter=Q(status="actual")))
            .order_by()
        )
        figures["from_documents_ms"] = (time.perf_counter() - started) * 1000
        return figures

    result = {"backend": backend, "database": connection.vendor, "lines": len(lines), "sizes": {}}
    done = 0
    for size in SIZES:
        started = time.perf_counter()
        insert(done, size)
        inserted = time.perf_counter() - started
        done = size
        figures = measure(size)
        figures["insert_s"] = inserted
        result["sizes"][str(size)] = figures
    harness.write_figures(out, result)


def markdown(runs: list[dict], meta: dict) -> str:
    small, large = (str(s) for s in SIZES)
    lines = [
        "# Finance benchmark: budget check and cost analysis dashboard",
        "",
        harness.meta_line(meta, "make bench-finance"),
        "",
        "| figure | "
        + " | ".join(f"{run['database']} {size}" for run in runs for size in (small, large))
        + " |",
        "|---|" + "---|" * (2 * len(runs)),
    ]
    rows = [
        ("claims (one line and one commitment each)", "claims", "{:,}"),
        ("bulk insert of the claims added at this size, s", "insert_s", "{:.1f}"),
        ("budget check: queries per call", "check_queries", "{}"),
        ("budget check: median time, ms", "check_ms_median", "{:.2f}"),
        ("budget check: fastest call, ms", "check_ms_min", "{:.2f}"),
        ("cost dashboard: queries per request", "dashboard_queries", "{}"),
        ("cost dashboard: median server time, ms", "dashboard_ms_median", "{:.1f}"),
        ("cost dashboard: fastest request, ms", "dashboard_ms_min", "{:.1f}"),
        ("cost dashboard: slowest of 30 requests, ms", "dashboard_ms_max", "{:.1f}"),
        ("for reference: one grouped sum over the documents instead, ms", "from_documents_ms", "{:.1f}"),
    ]
    for label, key, fmt in rows:
        cells = [fmt.format(run["sizes"][size][key]) for run in runs for size in (small, large)]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    for run in runs:
        a, b = run["sizes"][small], run["sizes"][large]
        ratio = b["check_ms_min"] / a["check_ms_min"] - 1
        lines.append(
            f"- {run['database']}: budget check {a['check_queries']} → {b['check_queries']} queries, "
            f"fastest call {ratio:+.0%} from {small} to {large} claims (target: same queries, within 10%); "
            f"dashboard {b['dashboard_ms_median']:.0f} ms at {large} (target < 300 ms)."
        )
    lines += [
        "",
        "The load average is the machine's when the run ended (a shared machine: medians move with",
        "other work; the fastest call is the figure least disturbed by it).",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    return harness.main(__file__, "finance", child, markdown, doc=__doc__)


if __name__ == "__main__":
    sys.exit(main())
