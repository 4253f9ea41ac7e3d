"""Tokens for the REST API (docs/api.md).

Only a SHA-256 of a token is stored: the token itself is shown once, when it is made, and
cannot be read back from the database or a backup.
"""

import hashlib

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scopes import Scope


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal token acts as its user with all their roles. An integration token acts
    as the director or deputy who made it, within one school and its scopes only: it can
    never do more than they can, and its changes are theirs in the audit log."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("личный")
        INTEGRATION = "integration", _("для интеграции")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("пользователь"),
    )
    kind = models.CharField(_("вид"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("название"), max_length=100)
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("школа"),
    )
    scopes = ArrayField(
        models.CharField(max_length=32, choices=Scope.choices), default=list, blank=True
    )
    digest = models.CharField(max_length=64, unique=True)
    # The first characters of the token, shown in the list so that its owner can tell it.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("последнее использование"), null=True, blank=True)
    expires_at = models.DateTimeField(_("действует до"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("отозван"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("токен API")
        verbose_name_plural = _("токены API")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="personal") & Q(school__isnull=True))
                | (Q(kind="integration") & Q(school__isnull=False)),
                name="integration_token_has_school",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def audit_school(self):
        return self.school

    @property
    def is_integration(self) -> bool:
        return self.kind == self.Kind.INTEGRATION

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    def allows(self, scope: str) -> bool:
        return not self.is_integration or scope in self.scopes
