"""Console pages for background work: jobs (live progress) and the periodic task registry."""

from __future__ import annotations

import json

import django_filters
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from whitewall.core.filtersets import BaseFilterSet
from whitewall.core.jobs import get_periodic, periodic_tasks, run_now
from whitewall.core.models import Job, PeriodicRun
from whitewall.core.permissions import ADD, VIEW, has_model_permission
from whitewall.core.tables import Column
from whitewall.core.templatetags.ww import result_summary
from whitewall.core.views.generic import ObjectDetailView, ObjectListView, ObjectPermissionRequiredMixin

STATUS_STYLES = {
    "queued": "secondary",
    "running": "primary",
    "retrying": "warning",
    "succeeded": "success",
    "failed": "danger",
}


def status_badge(obj):
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        STATUS_STYLES.get(obj.status, "secondary"),
        obj.get_status_display(),
    )


def progress_bar(job):
    return render_to_string("core/jobs/progress_bar.html", {"job": job})


class JobFilterSet(BaseFilterSet):
    search_fields = ("name", "task")
    status = django_filters.ChoiceFilter(choices=Job.STATUS_CHOICES, label=gettext_lazy("status"))

    class Meta:
        model = Job
        fields = ("q", "status")


class JobListView(ObjectListView):
    model = Job
    filterset_class = JobFilterSet
    default_ordering = ("-created", "-pk")
    columns = [
        Column("name", order_by="name", linkify=True),
        Column("status", order_by="status", render=status_badge),
        Column("progress", order_by="progress", render=progress_bar),
        Column("created_by", order_by="created_by__username"),
        Column("created", order_by="created"),
        Column("finished", order_by="finished"),
    ]

    def base_queryset(self):
        return Job.objects.select_related("created_by")


class JobDetailView(ObjectDetailView):
    """A job's page. Its whole status area (overview fields and progress card) is the partial
    ``core/jobs/job_status.html``, which ``JobProgressView`` serves for polling: when the job
    ends, status, attempts, started, finished and result all show the final state at once."""

    model = Job
    template_name = "core/jobs/job_detail.html"
    detail_fields = [
        "name",
        "task",
        "arguments",
        "status",
        "attempts",
        "created_by",
        "created",
        "started",
        "finished",
    ]

    def base_queryset(self):
        return Job.objects.select_related("created_by")


class JobProgressView(ObjectPermissionRequiredMixin, View):
    """The live part of a job's page (overview and progress), polled by htmx; answers 286 (stop
    polling) once finished, with the final state."""

    model = Job

    def get(self, request, pk):
        job = get_object_or_404(self.restricted(VIEW).select_related("created_by"), pk=pk)
        context = {"object": job, "field_rows": JobDetailView().field_rows(job)}
        response = render(request, "core/jobs/job_status.html", context)
        if job.is_finished:
            response.status_code = 286
        return response


RESULT_SHORT_CHARS = 60  # what the scheduled tasks table shows of a run's result or error
RESULT_TITLE_CHARS = 1000  # what its tooltip shows; the run's page has everything


def run_outcome(run) -> tuple[str, str]:
    """A run's result (or error) as (short text for the table, longer text for its tooltip)."""
    if run is None:
        return "", ""
    if run.error:
        full = run.error.strip()
    elif run.result is not None:
        full = result_summary(run.result) or json.dumps(run.result, ensure_ascii=False, default=str)
    else:
        return "", ""
    first_line = full.splitlines()[0] if full else ""
    return Truncator(first_line).chars(RESULT_SHORT_CHARS), Truncator(full).chars(RESULT_TITLE_CHARS)


class PeriodicTaskListView(ObjectPermissionRequiredMixin, View):
    """The periodic task registry: schedule, last run, next run, last result."""

    model = PeriodicRun

    def get(self, request):
        runs = self.restricted(VIEW)
        rows = []
        for spec in periodic_tasks():
            last = runs.filter(name=spec.name).order_by("-started", "-pk").first()
            short, full = run_outcome(last)
            rows.append(
                {
                    "spec": spec,
                    "labelled": str(spec.label) != spec.name,
                    "last": last,
                    "outcome": short,
                    "outcome_full": full,
                    "next_run": spec.next_run(),
                    "runs_url": reverse("core:periodicrun_list") + f"?name={spec.name}",
                }
            )
        return render(
            request,
            "core/jobs/periodic_list.html",
            {"rows": rows, "can_run": has_model_permission(request.user, PeriodicRun, ADD)},
        )


class PeriodicTaskRunView(ObjectPermissionRequiredMixin, View):
    """Queue one run of a periodic task now."""

    model = PeriodicRun
    permission_action = ADD

    def post(self, request, name):
        spec = get_periodic(name)
        if spec is None:
            raise Http404
        run_now(name)
        messages.success(request, _("%(task)s was queued to run now.") % {"task": spec.label})
        return HttpResponseRedirect(reverse("core:periodictask_list"))


class PeriodicRunFilterSet(BaseFilterSet):
    search_fields = ("name",)
    name = django_filters.CharFilter(label=gettext_lazy("task"))
    status = django_filters.ChoiceFilter(choices=PeriodicRun.STATUS_CHOICES, label=gettext_lazy("status"))

    class Meta:
        model = PeriodicRun
        fields = ("q", "name", "status")


class PeriodicRunListView(ObjectListView):
    model = PeriodicRun
    filterset_class = PeriodicRunFilterSet
    allow_bulk_delete = False
    default_ordering = ("-started", "-pk")
    columns = [
        Column("name", order_by="name", linkify=True),
        Column("slot", order_by="slot"),
        Column("status", order_by="status", render=status_badge),
        Column("attempts", order_by="attempts"),
        Column("started", order_by="started"),
        Column("finished", order_by="finished"),
        Column("result"),
    ]


class PeriodicRunDetailView(ObjectDetailView):
    model = PeriodicRun
    detail_fields = ["name", "slot", "status", "attempts", "started", "finished", "result", "error"]
