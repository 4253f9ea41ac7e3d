"""The prevention council: sessions, hearings, assignments, conclusions (R-C-4); the registry and the observation diary (R-C-5)."""

from django.http import HttpRequest

urlpatterns: list = []


def case_section(request: HttpRequest, case) -> dict:
    """Context for this topic's block on the case page (templates/casework/case/_council.html)."""
    return {}
