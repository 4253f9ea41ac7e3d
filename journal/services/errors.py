from django.core.exceptions import PermissionDenied


class JournalError(Exception):
    """A request the journal refuses; the message is shown to the user as is (Russian)."""


class JournalPermissionDenied(PermissionDenied):
    pass
