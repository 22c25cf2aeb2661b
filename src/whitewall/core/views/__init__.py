from whitewall.core.views.generic import (
    BulkAction,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectPermissionRequiredMixin,
    Tab,
)
from whitewall.core.views.reveal import ObjectRevealView, can_reveal, masked_fields

__all__ = [
    "BulkAction",
    "ObjectDeleteView",
    "ObjectDetailView",
    "ObjectEditView",
    "ObjectListView",
    "ObjectPermissionRequiredMixin",
    "ObjectRevealView",
    "Tab",
    "can_reveal",
    "masked_fields",
]
