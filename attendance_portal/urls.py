from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

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
    # Browsers ask for /favicon.ico whatever the page links.
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("favicon.ico"), permanent=True),
        name="favicon",
    ),
]
