"""Sign-in by password, without Django's per-user and per-group model permissions.

What a user may do comes from their role assignments (``rules`` predicates), never from
``user_permissions`` or groups, which nobody can edit here (the scoped admin hides them).
Django's ModelBackend would still read both tables, two queries on every page that asks a
permission the rules deny; this backend answers from the superuser flag alone.
"""

from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()
