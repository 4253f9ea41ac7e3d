"""``Authorization: Token <token>`` (or ``Bearer <token>``): the API's own tokens.

A request with such a header is the token's, whatever cookies it carries; a request
without one may still be a signed-in browser session (DRF's SessionAuthentication, which
then enforces CSRF on writes).
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiToken, token_digest

KEYWORDS = (b"token", b"bearer")
# last_used_at is moved on at most this often: not one write per request.
TOUCH_EVERY = datetime.timedelta(minutes=1)
INVALID = _("Токен недействителен: он отозван, истёк или не существует.")


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() not in KEYWORDS:
            return None
        if len(words) != 2:
            raise AuthenticationFailed(
                _("Неверный заголовок Authorization: нужно «Token <токен>» или «Bearer <токен>».")
            )
        try:
            secret = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(INVALID) from None
        token = (
            ApiToken.objects.select_related("user", "school")
            .filter(digest=token_digest(secret))
            .first()
        )
        if token is None or not token.is_active() or not token.user.is_active:
            raise AuthenticationFailed(INVALID)
        _touch(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return 'Token realm="api"'


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
