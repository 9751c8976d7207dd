from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

admin.site.site_header = "软件和信息服务业政策跟踪门户 · 管理后台"
admin.site.site_title = "政策跟踪门户管理后台"

urlpatterns = [
    # First: the API is the busiest prefix, and no page route below can match a path under api/v1/.
    path("api/v1/", include("portal.api.urls")),
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/", views.AccountListView.as_view(), name="accounts"),
    path("accounts/new/", views.AccountCreateView.as_view(), name="account-create"),
    path("accounts/<int:pk>/", views.AccountUpdateView.as_view(), name="account-update"),
    path("", include("buildings.urls")),
    path("", include("enterprises.urls")),
    path("", include("evaluation.urls")),
    path("", include("scenarios.urls")),
    path("", include("programmes.urls")),
    path("", include("portal.import_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "portal.api.exceptions.not_found"  # JSON under /api/, the page elsewhere
