from whitewall.core.views.generic import (
    BulkAction,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectPermissionRequiredMixin,
    Tab,
)

__all__ = [
    "BulkAction",
    "ObjectDeleteView",
    "ObjectDetailView",
    "ObjectEditView",
    "ObjectListView",
    "ObjectPermissionRequiredMixin",
    "Tab",
]
