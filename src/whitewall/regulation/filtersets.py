import django_filters
from django.utils.translation import gettext_lazy as _

from whitewall.core.filtersets import BaseFilterSet
from whitewall.regulation.models import RegulationVersion


class RegulationVersionFilterSet(BaseFilterSet):
    search_fields = ("number", "name", "summary")
    published = django_filters.BooleanFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True, label=_("published")
    )

    class Meta:
        model = RegulationVersion
        fields = ("q", "published")
