"""Console pages of core's own models (jobs, periodic runs), named ``core:<model>_<action>``."""

from django.urls import path

from whitewall.core.urls_helpers import crud_paths
from whitewall.core.views import jobs

app_name = "core"

urlpatterns = [
    *crud_paths("jobs", "job", list=jobs.JobListView, detail=jobs.JobDetailView),
    path("jobs/<int:pk>/progress/", jobs.JobProgressView.as_view(), name="job_progress"),
    path("scheduled/", jobs.PeriodicTaskListView.as_view(), name="periodictask_list"),
    path("scheduled/<str:name>/run/", jobs.PeriodicTaskRunView.as_view(), name="periodictask_run"),
    *crud_paths("runs", "periodicrun", list=jobs.PeriodicRunListView, detail=jobs.PeriodicRunDetailView),
]
