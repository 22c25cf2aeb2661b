"""The effective policy, section by section, each linked to the clauses it serves."""

from django.conf import settings
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views import View

from whitewall.config.policy import SECTION_CLAUSES, get_policy


def _clause_link(code: str) -> str | None:
    try:
        return reverse("regulation:clause_detail", kwargs={"code": code})
    except NoReverseMatch:
        return None


def _rows(value, prefix=""):
    """Flatten a section into (key, value) rows; flows and other lists of tables stay readable."""
    rows = []
    if isinstance(value, dict):
        for key, item in value.items():
            rows.extend(_rows(item, f"{prefix}.{key}" if prefix else key))
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        for index, item in enumerate(value, start=1):
            rows.extend(_rows(item, f"{prefix}[{index}]"))
    else:
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value) or "—"
        rows.append((prefix, value))
    return rows


class PolicyView(View):
    def get(self, request):
        data = get_policy().model_dump(mode="json")
        sections = [
            {
                "key": key,
                "rows": _rows(values),
                "clauses": [(code, _clause_link(code)) for code in SECTION_CLAUSES.get(key, ())],
            }
            for key, values in data.items()
        ]
        return render(
            request, "core/policy.html", {"sections": sections, "policy_path": settings.WHITEWALL_POLICY_PATH}
        )
