"""The console home and the global search."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from whitewall.core.dashboard import widgets_for
from whitewall.core.search import search


class ConsoleHomeView(View):
    def get(self, request):
        return render(request, "core/console_home.html", {"cards": widgets_for(request)})


class SearchView(View):
    def get(self, request):
        query = request.GET.get("q", "").strip()[:100]
        results = search(request.user, query) if query else []
        template = "core/partials/search_results.html" if request.htmx else "core/search.html"
        return render(request, template, {"query": query, "results": results, "title": _("Search")})
