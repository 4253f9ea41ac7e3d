"""Helpers shared by the alert pages."""

from django.utils.http import url_has_allowed_host_and_scheme

from accounts.roles import Role

PAGE_SIZE = 50
ROLE_LABELS = dict(Role.choices)


def safe_next(request, candidate: str, fallback: str) -> str:
    """``candidate`` when it is a path of this site, else ``fallback`` (no open redirects)."""
    # Only a path: redirect() takes any other string for a URL name ("abc" → NoReverseMatch).
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
