"""Referrals and notifications to outside bodies, СОП (R-C-7)."""

from django.http import HttpRequest

urlpatterns: list = []


def case_section(request: HttpRequest, case) -> dict:
    """Context for this topic's block on the case page (templates/casework/case/_referrals.html)."""
    return {}
