from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page links. The static URL is resolved
    per request: at import the manifest of hashed names may not be collected yet (migrate,
    shell)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.ico")


# A database that went away answers 503 «повторите через минуту» (attendance_portal/errors.py).
handler500 = "attendance_portal.errors.server_error"

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("home.urls")),
    path("schools/", include("schools.urls")),
    path("journal/", include("journal.urls")),
    path("alerts/", include("alerts.urls")),
    path("messages/", include("notify.urls")),
    path("casework/", include("casework.urls")),
    path("reports/", include("reporting.urls")),
    path("settings/", include("policy.urls")),
    path("api/", include("api.urls")),
    path("administration/", include("administration.urls")),
    path("exchange/", include("exchange.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
]
