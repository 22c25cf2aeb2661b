import django_filters
from django.utils.translation import gettext_lazy as _

from whitewall.core.filtersets import BaseFilterSet
from whitewall.notifications.models import Delivery, Notification, WebhookEndpoint
from whitewall.notifications.registry import kinds


def _kind_choices():
    return [(kind.key, kind.label) for kind in kinds()]


class NotificationFilterSet(BaseFilterSet):
    search_fields = ("title", "body")
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("unread"))
    kind = django_filters.ChoiceFilter(choices=_kind_choices, label=_("kind"))

    class Meta:
        model = Notification
        fields = ("q", "unread", "kind")


class WebhookEndpointFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    kind = django_filters.ChoiceFilter(choices=WebhookEndpoint.KIND_CHOICES, label=_("platform"))
    enabled = django_filters.BooleanFilter(label=_("enabled"))

    class Meta:
        model = WebhookEndpoint
        fields = ("q", "kind", "enabled")


class DeliveryFilterSet(BaseFilterSet):
    search_fields = ("title", "target", "last_error")
    channel = django_filters.ChoiceFilter(choices=Delivery.CHANNEL_CHOICES, label=_("channel"))
    status = django_filters.ChoiceFilter(choices=Delivery.STATUS_CHOICES, label=_("status"))
    kind = django_filters.ChoiceFilter(choices=_kind_choices, label=_("kind"))

    class Meta:
        model = Delivery
        fields = ("q", "channel", "status", "kind")
