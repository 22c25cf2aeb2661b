"""The analytics page (/console/wall/analytics/) and its Excel export."""

from __future__ import annotations

import datetime
import io

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from whitewall.core.forms import StyledForm
from whitewall.core.permissions import has_model_permission
from whitewall.wall.models import Post
from whitewall.wall.selectors import analytics

MAX_DAYS = 366


class RangeForm(StyledForm):
    start = forms.DateField(
        label=pgettext_lazy("date range", "from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        default_start, default_end = analytics.default_range()
        start = data.get("start") or default_start
        end = data.get("end") or default_end
        if start > end:
            raise forms.ValidationError({"end": _("The end date must not come before the start date.")})
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(
                {"start": _("Choose a range of at most %(days)d days.") % {"days": MAX_DAYS}}
            )
        data["start"], data["end"] = start, end
        return data


def analytics_range(params) -> tuple[RangeForm, datetime.date, datetime.date]:
    form = RangeForm(params or None)
    if params and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    start, end = analytics.default_range()
    return form, start, end


def _percent(value):
    return "–" if value is None else f"{value * 100:.1f}%"


def chart_data(figures: analytics.Analytics) -> dict:
    """What the page's ECharts read (through json_script)."""
    return {
        "labels": {
            "views": _("Views"),
            "likes": _("Likes"),
            "comments": _("Comments"),
            "engagement": _("Engagement rate"),
            "posts": _("Posts"),
            "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
            "empty": _("No data in this range."),
        },
        "daily": figures.daily,
        "topics": figures.topics,
        "heatmap": figures.heatmap,
    }


class AnalyticsView(View):
    """Needs the ``analytics`` action on posts (operations manager, marketing, executives, auditors)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not has_model_permission(request.user, Post, "analytics"):
            raise PermissionDenied(_("You do not have permission to do this."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form, start, end = analytics_range(request.GET)
        status = 200
        if request.GET and not form.is_valid():
            status = 422
        figures = analytics.compute(start, end)
        if request.GET.get("export") == "xlsx" and status == 200:
            return export_xlsx(figures)
        context = {
            "form": form,
            "figures": figures,
            "engagement": _percent(figures.engagement_rate),
            "charts": chart_data(figures),
            "export_query": f"start={start.isoformat()}&end={end.isoformat()}&export=xlsx",
        }
        return render(request, "wall/analytics.html", context, status=status)


def export_xlsx(figures: analytics.Analytics) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    rows = [
        (_("From"), figures.start.isoformat()),
        (_("To"), figures.end.isoformat()),
        (_("Views"), figures.views),
        (_("Likes"), figures.likes),
        (_("Comments"), figures.comments),
        (_("Engagement rate"), figures.engagement_rate),
        (_("Posts published"), figures.posts_published),
        (_("Reports"), figures.reports),
        (_("Reports per 1,000 views"), figures.reports_per_thousand_views),
        (_("Median review turnaround (hours)"), figures.median_review_hours),
    ]
    for row in rows:
        summary.append([str(row[0]), row[1]])
    sheets = [
        (_("Daily"), ["day", "views", "likes", "comments", "engagement_rate"], figures.daily,
         [_("Day"), _("Views"), _("Likes"), _("Comments"), _("Engagement rate")]),
        (_("Top posts"), ["id", "title", "topic", "views", "likes", "comments", "engagement_rate"], figures.top_posts,
         [_("ID"), _("Title"), _("Topic"), _("Views"), _("Likes"), _("Comments"), _("Engagement rate")]),
        (_("Topics"), ["topic", "posts", "views", "likes", "comments", "engagement_rate"], figures.topics,
         [_("Topic"), _("Posts"), _("Views"), _("Likes"), _("Comments"), _("Engagement rate")]),
        (_("Best time"), ["weekday", "hour", "posts", "views", "engagement_rate"], figures.heatmap,
         [_("Weekday"), _("Hour"), _("Posts"), _("Views"), _("Engagement rate")]),
    ]  # fmt: skip
    for title, keys, data, headers in sheets:
        sheet = book.create_sheet(str(title)[:31])
        sheet.append([str(h) for h in headers])
        for entry in data:
            sheet.append([_cell(entry[key]) for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="wall-analytics-{figures.start.isoformat()}-{figures.end.isoformat()}.xlsx"'
    )
    return response


def _cell(value):
    # Text that a spreadsheet would run as a formula is kept as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
