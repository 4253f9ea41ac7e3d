"""Making and revoking API tokens. Only a SHA-256 of a token is stored; the token is
returned once, to be shown once."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_action

from .models import ApiToken, token_digest
from .scopes import Scope

# Recognisable in logs and by secret scanners; the rest is 256 random bits.
TOKEN_PREFIX = "att_"
# A user (or a school) with more live tokens than this is doing something odd.
MAX_ACTIVE_TOKENS = 20


class TokenError(Exception):
    """A request about tokens that is refused; the message is shown as is (Russian)."""


class TokenPermissionDenied(TokenError, PermissionDenied):
    """Answered 403."""


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise TokenError(_("Укажите название токена (не длиннее 100 знаков)."))
    return name


def _check_expiry(expires_at: datetime.datetime | None) -> None:
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenError(_("Срок действия должен закончиться в будущем."))


def _check_scopes(scopes) -> list[str]:
    chosen = sorted(set(scopes or ()))
    if not chosen:
        raise TokenError(_("Выберите хотя бы одно право токена."))
    unknown = [scope for scope in chosen if scope not in Scope.values]
    if unknown:
        raise TokenError(_("Неизвестное право: %(scope)s.") % {"scope": ", ".join(unknown)})
    return chosen


def _issue(token: ApiToken) -> str:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token.digest = token_digest(secret)
    token.prefix = secret[: len(TOKEN_PREFIX) + 4]
    token.save(force_insert=True)
    return secret


def _check_room(tokens) -> None:
    live = tokens.filter(revoked_at__isnull=True).exclude(expires_at__lte=timezone.now())
    if live.count() >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            _("Действующих токенов уже %(count)s: отзовите ненужные.")
            % {"count": MAX_ACTIVE_TOKENS}
        )


def create_personal_token(
    *, acting_user, name: str, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """A token that acts as ``acting_user`` with all their roles; returns it and its secret."""
    name = _check_name(name)
    _check_expiry(expires_at)
    with transaction.atomic():
        _check_room(ApiToken.objects.select_for_update().filter(user=acting_user))
        token = ApiToken(
            user=acting_user, kind=ApiToken.Kind.PERSONAL, name=name, expires_at=expires_at
        )
        secret = _issue(token)
        log_action(
            actor=acting_user,
            action="api.token.created",
            obj=token,
            data={"kind": token.kind, "name": name},
        )
    return token, secret


def create_integration_token(
    *, acting_user, school, name: str, scopes, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """A token for another system: it acts as ``acting_user`` (the school's director or
    deputy), within ``school`` and ``scopes`` only. Returns it and its secret."""
    if not acting_user.has_perm("api.manage_integration_tokens", school):
        raise TokenPermissionDenied(_("Токены интеграций школы выпускают директор и заместитель."))
    name = _check_name(name)
    scopes = _check_scopes(scopes)
    _check_expiry(expires_at)
    with transaction.atomic():
        _check_room(ApiToken.objects.select_for_update().filter(school=school))
        token = ApiToken(
            user=acting_user,
            kind=ApiToken.Kind.INTEGRATION,
            school=school,
            name=name,
            scopes=scopes,
            expires_at=expires_at,
        )
        secret = _issue(token)
        log_action(
            actor=acting_user,
            action="api.token.created",
            obj=token,
            data={"kind": token.kind, "name": name, "scopes": scopes},
        )
    return token, secret


def may_revoke(user, token: ApiToken) -> bool:
    if token.is_integration:
        return user.has_perm("api.manage_integration_tokens", token.school)
    return token.user_id == user.pk


def revoke_token(*, token: ApiToken, acting_user) -> ApiToken:
    """Revoke at once; revoking a revoked token changes and logs nothing."""
    if not may_revoke(acting_user, token):
        raise TokenPermissionDenied(_("Вы не можете отозвать этот токен."))
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at, token.revoked_by = timezone.now(), acting_user
        token.save(update_fields=["revoked_at", "revoked_by"])
        log_action(
            actor=acting_user,
            action="api.token.revoked",
            obj=token,
            data={"kind": token.kind, "name": token.name},
        )
    return token
