"""Documents of the case: memo, characteristic, dossier (R-C-8, R-C-10, R-T-3)."""

from django.http import HttpRequest

urlpatterns: list = []


def case_section(request: HttpRequest, case) -> dict:
    """Context for this topic's block on the case page (templates/casework/case/_documents.html)."""
    return {}
