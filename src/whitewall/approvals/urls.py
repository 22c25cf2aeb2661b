from django.urls import path

from whitewall.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("requests/", views.ApprovalRequestListView.as_view(), name="approvalrequest_list"),
    path("requests/<int:pk>/", views.ApprovalRequestDetailView.as_view(), name="approvalrequest_detail"),
    path("requests/<int:pk>/decide/", views.DecideView.as_view(), name="approvalrequest_decide"),
    path(
        "requests/<int:pk>/add-approver/", views.AddApproverView.as_view(), name="approvalrequest_addapprover"
    ),
    path("requests/<int:pk>/cc/", views.CCView.as_view(), name="approvalrequest_cc"),
    path("requests/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="approvalrequest_withdraw"),
    path("requests/<int:pk>/resubmit/", views.ResubmitView.as_view(), name="approvalrequest_resubmit"),
    path("delegations/", views.MyDelegationsView.as_view(), name="delegation_mine"),
    path("delegations/<int:pk>/end/", views.DelegationEndView.as_view(), name="delegation_end"),
]
