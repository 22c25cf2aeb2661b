from django.urls import path

from whitewall.accounts import views
from whitewall.core.urls_helpers import crud_paths

app_name = "accounts"

urlpatterns = [
    *crud_paths(
        "users", "user", list=views.UserListView, detail=views.UserDetailView, edit=views.UserEditView
    ),
    *crud_paths(
        "staff",
        "staffprofile",
        list=views.StaffListView,
        detail=views.StaffDetailView,
        add=views.StaffEditView,
        edit=views.StaffEditView,
    ),
    path("staff/<int:pk>/reveal/", views.StaffRevealView.as_view(), name="staffprofile_reveal"),
    path("staff/<int:pk>/deactivate/", views.StaffStatusView.as_view(), name="staffprofile_deactivate"),
    path(
        "staff/<int:pk>/reactivate/",
        views.StaffStatusView.as_view(activate=True),
        name="staffprofile_reactivate",
    ),
    *crud_paths(
        "departments",
        "department",
        list=views.DepartmentListView,
        detail=views.DepartmentDetailView,
        add=views.DepartmentEditView,
        edit=views.DepartmentEditView,
        delete=views.DepartmentDeleteView,
    ),
    *crud_paths(
        "positions",
        "position",
        list=views.PositionListView,
        detail=views.PositionDetailView,
        add=views.PositionEditView,
        edit=views.PositionEditView,
        delete=views.PositionDeleteView,
    ),
    *crud_paths(
        "roles",
        "role",
        list=views.RoleListView,
        detail=views.RoleDetailView,
        add=views.RoleEditView,
        edit=views.RoleEditView,
        delete=views.RoleDeleteView,
    ),
    *crud_paths(
        "permissions",
        "objectpermission",
        list=views.ObjectPermissionListView,
        detail=views.ObjectPermissionDetailView,
        add=views.ObjectPermissionEditView,
        edit=views.ObjectPermissionEditView,
        delete=views.ObjectPermissionDeleteView,
    ),
    path("tokens/", views.MyAPITokensView.as_view(), name="apitoken_own"),
    path("tokens/all/", views.APITokenListView.as_view(), name="apitoken_list"),
    path("tokens/<int:pk>/revoke/", views.APITokenRevokeView.as_view(), name="apitoken_revoke"),
    path("lockouts/", views.LockoutListView.as_view(), name="accessattempt_list"),
    path("lockouts/<int:pk>/release/", views.LockoutReleaseView.as_view(), name="accessattempt_release"),
]
