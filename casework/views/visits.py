"""Home visits and the act of inspection of living conditions (R-C-3)."""

from django.http import HttpRequest

urlpatterns: list = []


def case_section(request: HttpRequest, case) -> dict:
    """Context for this topic's block on the case page (templates/casework/case/_visits.html)."""
    return {}
