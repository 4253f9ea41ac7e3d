"""The individual prevention plan: measures and weekly control (R-C-6)."""

from django.http import HttpRequest

urlpatterns: list = []


def case_section(request: HttpRequest, case) -> dict:
    """Context for this topic's block on the case page (templates/casework/case/_plan.html)."""
    return {}
