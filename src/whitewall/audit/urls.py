from django.urls import path

from whitewall.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditEventListView.as_view(), name="auditevent_list"),
    path("verify/", views.AuditVerifyView.as_view(), name="auditevent_verify"),
    path("anomalies/", views.AnomalyQueueView.as_view(), name="auditevent_anomalies"),
    path("<int:pk>/", views.AuditEventDetailView.as_view(), name="auditevent_detail"),
    path("<int:pk>/review/", views.AnomalyReviewView.as_view(), name="auditevent_review"),
]
