"""Request bodies larger than an upload may be are refused by their size, unread (R-SEC).

Django reads a multipart body whole (to memory or a temporary file) before a form can say
«Файл слишком большой»: 100 MiB sent to the excuse form would be read and written to disk
first. This middleware looks only at the ``Content-Length`` header and answers 413 before
anything touches ``request.body``, ``request.POST`` or ``request.FILES``. Django never reads
past ``Content-Length`` (a chunked body without it is not read at all), so the header bounds
what any view can read. The reverse proxy in front should refuse the same size
(``client_max_body_size``, see docker-compose.yml) so the bytes do not even reach gunicorn.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.template.loader import render_to_string


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        if settings.UPLOAD_REQUEST_MAX_BYTES < settings.UPLOAD_MAX_BYTES:
            raise ImproperlyConfigured(
                "UPLOAD_REQUEST_MAX_BYTES must leave room for a file of UPLOAD_MAX_BYTES."
            )

    def __call__(self, request):
        if _content_length(request) > settings.UPLOAD_REQUEST_MAX_BYTES:
            return too_large()
        return self.get_response(request)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads nothing of a body whose length it cannot parse


def too_large() -> HttpResponse:
    # Rendered without the request: the session and the user are not loaded yet.
    limit_mb = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
    content = render_to_string("413.html", {"limit_mb": limit_mb})
    response = HttpResponse(content, status=413)
    response["Cache-Control"] = "no-store"
    return response
