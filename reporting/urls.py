"""Reports: each topic module of ``reporting.views`` lists its own URL patterns."""

from .views import reports

app_name = "reporting"

urlpatterns = [
    *reports.urlpatterns,
]
