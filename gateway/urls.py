"""The review web app's addresses: the pages, sign-in (with its second factor), and
Django's admin for admins."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gateway.health import views as health_views
from gateway.review import second_factor_pages

urlpatterns = [
    path("healthz", health_views.healthz, name="healthz"),
    path("readyz", health_views.readyz, name="readyz"),
    path("metrics", health_views.metrics, name="metrics"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="review/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/code/", second_factor_pages.verify_page, name="second_factor_verify"),
    path("account/second-factor/", second_factor_pages.setup_page, name="second_factor_setup"),
    path(
        "account/second-factor/start/",
        second_factor_pages.start_page,
        name="second_factor_start",
    ),
    path("admin/", admin.site.urls),
    path("", include("gateway.review.urls")),
]
