"""The server-error handler (``handler500``): a database that went away answers 503.

While PostgreSQL restarts (or a failover moves it) a request fails with OperationalError or
InterfaceError, and its transaction is rolled back whole. The user is told in words that
nothing was saved and to repeat the action in a minute — a page, a JSON answer or, for an
htmx request, the bare message its page shows (static/js/lesson.js) — instead of the
«Ошибка сервера» page. Django logs the exception with the answer's status, as for any
server error.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60


def database_unavailable_message() -> str:
    return _("База данных временно недоступна, повторите через минуту.")


def server_error(request, template_name="500.html"):
    error = sys.exc_info()[1]
    if not isinstance(error, DATABASE_ERRORS):
        return django_server_error(request, template_name)
    message = database_unavailable_message()
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"error": message, "saved": False}, status=503)
    elif request.headers.get("HX-Request"):
        text = f"{message} {_('Изменение не сохранено.')}"
        response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=503)
    else:
        # Standalone, like 500.html: rendered without the request, it reads no database.
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
