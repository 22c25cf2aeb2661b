import django_filters
from django.utils.translation import gettext_lazy as _

from whitewall.core.filtersets import BaseFilterSet
from whitewall.projects.models import Project, ProjectStatus


class ProjectFilterSet(BaseFilterSet):
    search_fields = ("code", "name")
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("status"))

    class Meta:
        model = Project
        fields = ("q", "status")
