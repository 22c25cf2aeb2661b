from django.urls import path

from whitewall.core.urls_helpers import crud_paths
from whitewall.notifications import views

app_name = "notifications"

urlpatterns = [
    *crud_paths(
        "inbox", "notification", list=views.NotificationListView, detail=views.NotificationDetailView
    ),
    path("inbox/<int:pk>/read/", views.NotificationReadView.as_view(), name="notification_read"),
    path("inbox/read-all/", views.NotificationReadAllView.as_view(), name="notification_read_all"),
    path("bell/", views.BellView.as_view(), name="notification_bell"),
    path("settings/", views.PreferencesView.as_view(), name="notification_preferences"),
    *crud_paths(
        "webhooks",
        "webhookendpoint",
        list=views.WebhookEndpointListView,
        detail=views.WebhookEndpointDetailView,
        add=views.WebhookEndpointEditView,
        edit=views.WebhookEndpointEditView,
        delete=views.WebhookEndpointDeleteView,
    ),
    path("webhooks/<int:pk>/test/", views.WebhookEndpointTestView.as_view(), name="webhookendpoint_test"),
    *crud_paths("deliveries", "delivery", list=views.DeliveryListView, detail=views.DeliveryDetailView),
    path("deliveries/<int:pk>/retry/", views.DeliveryRetryView.as_view(), name="delivery_retry"),
]
