"""What every casework service shares: its errors."""

from django.core.exceptions import PermissionDenied


class CaseworkError(Exception):
    """A request casework refuses; the message is shown to the user as is (Russian)."""


class CaseworkPermissionDenied(PermissionDenied):
    pass
