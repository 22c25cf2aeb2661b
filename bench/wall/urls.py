"""The project's URLs plus ``/bench/bare/``: a Django view returning fixed bytes (the floor)."""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from whitewall.config.urls import urlpatterns as project_urlpatterns

BODY = Path(os.environ["WALL_BENCH_BODY"]).read_bytes()


def bare(request):
    return HttpResponse(BODY)


urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
