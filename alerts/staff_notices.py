"""The school's director is told of every role change in the school (R-SEC, issue #14).

Accounts announces a change made by a person (``accounts.signals.role_changed``); this
puts it in the inbox of the school's directors — those after the change and, when the
director's role itself changed, that person too — and e-mails those with an address once
the change is committed (best effort: the inbox entry stands if the mail fails). A
territory role (no school) has no director to tell: its audit entry is the record.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User
from accounts.roles import Role

from .models import Notification

logger = logging.getLogger(__name__)


def notify_role_change(*, user, role: str, school, granted: bool, acting_user) -> None:
    """Inbox entries (and e-mails) for the directors of ``school``; in the caller's
    transaction."""
    if school is None:
        return
    recipients = set(
        RoleAssignment.objects.filter(school=school, role=Role.DIRECTOR).values_list(
            "user_id", flat=True
        )
    )
    if role == Role.DIRECTOR:
        recipients.add(user.pk)
    recipients.discard(getattr(acting_user, "pk", None))
    if not recipients:
        return
    template = (
        _("Назначена роль «%(role)s» (%(school)s): %(user)s. Автор изменения: %(actor)s.")
        if granted
        else _("Снята роль «%(role)s» (%(school)s): %(user)s. Автор изменения: %(actor)s.")
    )
    text = template % {
        "role": Role(role).label,
        "school": school,
        "user": user.short_name,
        "actor": acting_user.short_name,
    }
    Notification.objects.bulk_create(
        [Notification(user_id=user_id, text=text[:500]) for user_id in sorted(recipients)]
    )
    subject = _("Изменение ролей сотрудников: %(school)s") % {"school": school}
    transaction.on_commit(lambda: _send_emails(sorted(recipients), subject, text))


def _send_emails(user_ids: list[int], subject: str, body: str) -> None:
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except OSError:  # the inbox entry stands; mail is best effort
            logger.exception("Could not e-mail a role change to user %s", user.pk)
