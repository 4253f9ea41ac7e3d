from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("home.urls")),
    path("schools/", include("schools.urls")),
    path("journal/", include("journal.urls")),
    path("alerts/", include("alerts.urls")),
    path("casework/", include("casework.urls")),
    path("settings/", include("policy.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
