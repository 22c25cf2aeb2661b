"""Cost analysis selectors (5.3.1, 5.3.2), shared by the dashboard, its Excel export, the API and
the monthly cost report.

Everything is read from the ledger's running totals (``BudgetLine`` and ``BudgetLineMonth``), so a
dashboard costs the same handful of aggregate queries whatever the number of claims, purchases and
actual entries behind the figures:

1. one grouped query over the month rows of the lines in scope (per line: budget, committed and
   actual for the year and up to the month) — departments, categories, drivers and variance are
   folded from it in Python (there are at most departments × categories lines);
2. one grouped query per fiscal month (the trend);
3. one grouped query over commitments carrying a project (the project view).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from whitewall.config.policy import get_policy
from whitewall.finance.models import (
    ZERO,
    BudgetLine,
    BudgetLineMonth,
    Commitment,
    FiscalYear,
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_label(fiscal_year: FiscalYear, month: int) -> str:
    return add_months(fiscal_year.start_date, month - 1).strftime("%Y-%m")


def rate(part: Decimal, whole: Decimal) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.1")))


@dataclass
class Filters:
    fiscal_year: FiscalYear | None
    department_id: int | None = None
    category_id: int | None = None
    # The fiscal month "to date" figures run up to (the current month of the current year).
    upto: int = 12

    def as_params(self) -> dict:
        params = {}
        if self.fiscal_year is not None:
            params["fiscal_year"] = self.fiscal_year.pk
        if self.department_id:
            params["department"] = self.department_id
        if self.category_id:
            params["category"] = self.category_id
        return params


def default_upto(fiscal_year: FiscalYear | None, today: datetime.date | None = None) -> int:
    if fiscal_year is None:
        return 12
    today = today or timezone.localdate()
    if today > fiscal_year.end_date:
        return 12
    if today < fiscal_year.start_date:
        return 0
    return fiscal_year.month_of(today)


def filters_from(params, *, today: datetime.date | None = None) -> Filters:
    """Filters from request parameters; unknown or malformed values are ignored (default year)."""

    def number(name):
        value = str(params.get(name) or "").strip()
        return int(value) if value.isdigit() and len(value) < 10 else None

    fiscal_year = None
    year_id = number("fiscal_year")
    if year_id:
        fiscal_year = FiscalYear.objects.filter(pk=year_id).first()
    if fiscal_year is None:
        fiscal_year = FiscalYear.for_date(today or timezone.localdate()) or FiscalYear.objects.first()
    upto = default_upto(fiscal_year, today)
    month = number("upto")
    if month and 1 <= month <= 12:
        upto = month
    return Filters(
        fiscal_year=fiscal_year,
        department_id=number("department"),
        category_id=number("category"),
        upto=upto,
    )


def lines_in_scope(user, filters: Filters):
    """The ledger lines the user may see, filtered; ``user=None`` is the system (reports)."""
    lines = BudgetLine.objects.all() if user is None else BudgetLine.objects.restrict(user, "view")
    if filters.fiscal_year is None:
        return lines.none()
    lines = lines.filter(fiscal_year=filters.fiscal_year)
    if filters.department_id:
        lines = lines.filter(department_id=filters.department_id)
    if filters.category_id:
        lines = lines.filter(category_id=filters.category_id)
    return lines


def _drill(department_id=None, category_id=None) -> dict[str, str]:
    """Links to the documents behind a figure: the lists filtered to the department/category."""
    params = {}
    if department_id:
        params["department"] = department_id
    if category_id:
        params["category"] = category_id
    query = ("?" + urlencode(params)) if params else ""
    links = {}
    for key, name in (
        ("commitments", "finance:commitment_list"),
        ("purchases", "finance:purchaserequest_list"),
        ("actuals", "finance:actualentry_list"),
        ("claims", "finance:claim_list"),
    ):
        try:
            links[key] = reverse(name) + query
        except NoReverseMatch:
            continue
    return links


def _figures(budget, committed, actual, budget_to_date, actual_to_date, committed_to_date=ZERO) -> dict:
    return {
        "budget": budget,
        "committed": committed,
        "actual": actual,
        "remaining": budget - committed - actual,
        "execution_rate": rate(actual, budget),
        "budget_to_date": budget_to_date,
        "actual_to_date": actual_to_date,
        "committed_to_date": committed_to_date,
        # Positive = spent more than budgeted so far.
        "variance": actual_to_date - budget_to_date,
        "variance_rate": rate(actual_to_date - budget_to_date, budget_to_date),
    }


def _fold(rows, key, name) -> list[dict]:
    groups: dict = {}
    for row in rows:
        group = groups.setdefault(
            row[key], {"id": row[key], "name": row[name], "sums": defaultdict(lambda: ZERO)}
        )
        for field in (
            "budget",
            "committed",
            "actual",
            "budget_to_date",
            "actual_to_date",
            "committed_to_date",
        ):
            group["sums"][field] += row[field]
    result = []
    for group in groups.values():
        sums = group["sums"]
        result.append({"id": group["id"], "name": group["name"], **_figures(**sums)})
    return result


def cost_analysis(user, filters: Filters, *, top: int = 10) -> dict:
    """Budget vs committed vs actual by department, category, project and month; execution rate;
    variance to date; the top cost drivers; each with drill-down links."""
    fiscal_year = filters.fiscal_year
    lines = lines_in_scope(user, filters)
    upto = filters.upto
    to_date = Q(month__lte=upto)
    per_line = list(
        BudgetLineMonth.objects.filter(line__in=lines.values("pk"))
        .values(
            "line_id",
            "line__department_id",
            "line__department__name",
            "line__category_id",
            "line__category__name",
            "line__category__sort_order",
            "line__department__sort_order",
        )
        .annotate(
            sum_budget=Sum("budget"),
            sum_committed=Sum("committed"),
            sum_actual=Sum("actual"),
            sum_budget_to_date=Sum("budget", filter=to_date),
            sum_actual_to_date=Sum("actual", filter=to_date),
            sum_committed_to_date=Sum("committed", filter=to_date),
        )
        .order_by()
    )
    for row in per_line:
        for field in (
            "budget",
            "committed",
            "actual",
            "budget_to_date",
            "actual_to_date",
            "committed_to_date",
        ):
            row[field] = row.pop(f"sum_{field}") or ZERO
    totals = _figures(
        **{
            field: sum((row[field] for row in per_line), ZERO)
            for field in (
                "budget",
                "committed",
                "actual",
                "budget_to_date",
                "actual_to_date",
                "committed_to_date",
            )
        }
    )
    departments = _fold(per_line, "line__department_id", "line__department__name")
    order = {row["line__department_id"]: row["line__department__sort_order"] for row in per_line}
    departments.sort(key=lambda row: (order.get(row["id"], 0), row["name"]))
    categories = _fold(per_line, "line__category_id", "line__category__name")
    order = {row["line__category_id"]: row["line__category__sort_order"] for row in per_line}
    categories.sort(key=lambda row: (order.get(row["id"], 0), row["name"]))
    for row in departments:
        row["links"] = _drill(department_id=row["id"], category_id=filters.category_id)
    for row in categories:
        row["links"] = _drill(department_id=filters.department_id, category_id=row["id"])

    # The trend: one row per fiscal month.
    months = {
        row["month"]: row
        for row in BudgetLineMonth.objects.filter(line__in=lines.values("pk"))
        .values("month")
        .annotate(budget=Sum("budget"), committed=Sum("committed"), actual=Sum("actual"))
        .order_by()
    }
    trend, cumulative_budget, cumulative_actual = [], ZERO, ZERO
    for month in range(1, 13):
        row = months.get(month, {})
        budget, committed, actual = (row.get(k) or ZERO for k in ("budget", "committed", "actual"))
        cumulative_budget += budget
        cumulative_actual += actual
        trend.append(
            {
                "month": month,
                "label": month_label(fiscal_year, month) if fiscal_year else str(month),
                "budget": budget,
                "committed": committed,
                "actual": actual,
                "cumulative_budget": cumulative_budget,
                "cumulative_actual": cumulative_actual,
                "execution_rate": rate(actual, budget),
            }
        )

    # Cost drivers: the lines that spent most, and those furthest over their budget to date.
    total_actual = totals["actual"]
    drivers = []
    for row in per_line:
        if row["actual"] <= 0 and row["committed"] <= 0:
            continue
        figures = _figures(
            **{
                f: row[f]
                for f in (
                    "budget",
                    "committed",
                    "actual",
                    "budget_to_date",
                    "actual_to_date",
                    "committed_to_date",
                )
            }
        )
        drivers.append(
            {
                "line_id": row["line_id"],
                "department": row["line__department__name"],
                "category": row["line__category__name"],
                "share": rate(row["actual"], total_actual),
                "links": _drill(row["line__department_id"], row["line__category_id"]),
                **figures,
            }
        )
    top_spenders = sorted(drivers, key=lambda d: d["actual"], reverse=True)[:top]
    overruns = sorted((d for d in drivers if d["variance"] > 0), key=lambda d: d["variance"], reverse=True)[
        :top
    ]

    # Projects: committed and actual carried by commitments that name a project.
    commitments = Commitment.objects.filter(line__in=lines.values("pk"), project__isnull=False)
    if user is not None:
        commitments = commitments.restrict(user, "view")
    projects = [
        {
            "id": row["project_id"],
            "name": f"{row['project__code']} {row['project__name']}",
            "committed": row["committed"] or ZERO,
            "actual": row["actual"] or ZERO,
            "links": {"purchases": reverse("finance:purchaserequest_list") + f"?project={row['project_id']}"},
        }
        for row in commitments.values("project_id", "project__code", "project__name")
        .annotate(committed=Sum("amount"), actual=Sum("actual_amount"))
        .order_by("-actual", "project__code")
    ]
    return {
        "fiscal_year": fiscal_year.year if fiscal_year else None,
        "upto": upto,
        "upto_label": month_label(fiscal_year, upto) if fiscal_year and upto else "",
        "totals": totals,
        "departments": departments,
        "categories": categories,
        "projects": projects,
        "trend": trend,
        "top_spenders": top_spenders,
        "overruns": overruns,
        "links": _drill(filters.department_id, filters.category_id),
    }


def chart_data(analysis: dict, labels: dict) -> dict:
    """The figures the dashboard's charts need (plain numbers, for ``json_script``)."""

    def num(value):
        return float(value or 0)

    return {
        "labels": labels,
        "trend": {
            "months": [row["label"] for row in analysis["trend"]],
            "budget": [num(row["budget"]) for row in analysis["trend"]],
            "committed": [num(row["committed"]) for row in analysis["trend"]],
            "actual": [num(row["actual"]) for row in analysis["trend"]],
            "cumulative_budget": [num(row["cumulative_budget"]) for row in analysis["trend"]],
            "cumulative_actual": [num(row["cumulative_actual"]) for row in analysis["trend"]],
        },
        "departments": {
            "names": [row["name"] for row in analysis["departments"]],
            "budget": [num(row["budget"]) for row in analysis["departments"]],
            "committed": [num(row["committed"]) for row in analysis["departments"]],
            "actual": [num(row["actual"]) for row in analysis["departments"]],
            "links": [row["links"].get("commitments", "") for row in analysis["departments"]],
        },
        "categories": [
            {"name": row["name"], "value": num(row["actual"]), "link": row["links"].get("commitments", "")}
            for row in analysis["categories"]
            if row["actual"] > 0
        ],
    }


def jsonable(value):
    """Decimals and dates as strings (for snapshots and the API)."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# --- monthly report figures ------------------------------------------------------------------------
def report_figures(month: datetime.date) -> dict:
    """The frozen figures of the monthly cost report for the calendar month starting ``month``:
    the whole organisation, to date and for the month itself (no user scope: a system snapshot)."""
    fiscal_year = FiscalYear.for_date(month)
    if fiscal_year is None:
        return {"month": month.strftime("%Y-%m"), "fiscal_year": None}
    fiscal_month = fiscal_year.month_of(month)
    filters = Filters(fiscal_year=fiscal_year, upto=fiscal_month)
    analysis = cost_analysis(None, filters)
    lines = lines_in_scope(None, filters)
    in_month = {
        (row["line__department__name"], row["line__category__name"]): row
        for row in BudgetLineMonth.objects.filter(line__in=lines.values("pk"), month=fiscal_month)
        .values("line__department__name", "line__category__name")
        .annotate(budget=Sum("budget"), actual=Sum("actual"))
        .order_by()
    }
    month_departments = defaultdict(lambda: {"budget": ZERO, "actual": ZERO})
    for (department, _category), row in in_month.items():
        month_departments[department]["budget"] += row["budget"] or ZERO
        month_departments[department]["actual"] += row["actual"] or ZERO
    previous = analysis["trend"][fiscal_month - 2] if fiscal_month > 1 else None
    current = analysis["trend"][fiscal_month - 1]
    strip = ("links",)
    return jsonable(
        {
            "month": month.strftime("%Y-%m"),
            "fiscal_year": fiscal_year.year,
            "fiscal_month": fiscal_month,
            "month_budget": current["budget"],
            "month_actual": current["actual"],
            "month_committed": current["committed"],
            "month_execution_rate": current["execution_rate"],
            "previous_month_actual": previous["actual"] if previous else None,
            "month_change_rate": rate(current["actual"] - previous["actual"], previous["actual"])
            if previous
            else None,
            "totals": analysis["totals"],
            "departments": [
                {
                    **{k: v for k, v in row.items() if k not in strip},
                    "month_budget": month_departments[row["name"]]["budget"],
                    "month_actual": month_departments[row["name"]]["actual"],
                }
                for row in analysis["departments"]
            ],
            "categories": [
                {k: v for k, v in row.items() if k not in strip} for row in analysis["categories"]
            ],
            "projects": [{k: v for k, v in row.items() if k not in strip} for row in analysis["projects"]],
            "trend": analysis["trend"][:fiscal_month],
            "top_spenders": [
                {k: v for k, v in row.items() if k not in strip} for row in analysis["top_spenders"]
            ],
            "overruns": [{k: v for k, v in row.items() if k not in strip} for row in analysis["overruns"]],
        }
    )


# --- saving measures (5.3.2) -----------------------------------------------------------------------
def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def measure_effects(measures, *, today: datetime.date | None = None) -> dict[int, dict]:
    """The measured effect of each measure, from the ledger's monthly actuals (one query for all):
    the average monthly actual of its department × category over the ``saving_baseline_months``
    months before it starts, against the average over its complete months so far."""
    measures = list(measures)
    if not measures:
        return {}
    today = today or timezone.localdate()
    last_complete = add_months(_month_start(today), -1)
    n = get_policy().costs.saving_baseline_months
    pairs = {(m.department_id, m.category_id) for m in measures}
    actuals: dict[tuple, dict[datetime.date, Decimal]] = defaultdict(dict)
    rows = BudgetLineMonth.objects.filter(
        line__department_id__in={p[0] for p in pairs}, line__category_id__in={p[1] for p in pairs}
    ).values("line__department_id", "line__category_id", "line__fiscal_year__start_date", "month", "actual")
    for row in rows:
        key = (row["line__department_id"], row["line__category_id"])
        if key in pairs:
            day = add_months(row["line__fiscal_year__start_date"], row["month"] - 1)
            actuals[key][day] = actuals[key].get(day, ZERO) + row["actual"]
    results = {}
    for measure in measures:
        series = actuals.get((measure.department_id, measure.category_id), {})
        start = _month_start(measure.start_date)
        before_months = [add_months(start, -i) for i in range(n, 0, -1)]
        end = min(_month_start(measure.end_date), last_complete)
        during_months = []
        cursor = start
        while cursor <= end:
            during_months.append(cursor)
            cursor = add_months(cursor, 1)
        before = [(m, series[m]) for m in before_months if m in series]
        during = [(m, series.get(m, ZERO)) for m in during_months]
        before_avg = (
            (sum((v for _m, v in before), ZERO) / len(before)).quantize(Decimal("0.01")) if before else None
        )
        during_avg = (
            (sum((v for _m, v in during), ZERO) / len(during)).quantize(Decimal("0.01")) if during else None
        )
        effect = before_avg - during_avg if before_avg is not None and during_avg is not None else None
        if effect is None:
            state = "pending"
        elif effect >= measure.target_saving:
            state = "met"
        else:
            state = "missed"
        results[measure.pk] = {
            "baseline_months": [{"month": m.strftime("%Y-%m"), "actual": v} for m, v in before],
            "period_months": [{"month": m.strftime("%Y-%m"), "actual": v} for m, v in during],
            "measured_baseline": before_avg,
            "period_average": during_avg,
            "effect": effect,
            "total_saving": (effect * len(during)) if effect is not None else None,
            "achievement": rate(effect, measure.target_saving) if effect is not None else None,
            "state": state,
        }
    return results
