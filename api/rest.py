"""The API's error format and pagination (settings.REST_FRAMEWORK points here).

Every error is ``{"detail": "<Russian message>"}``; a form-like error (a bad field of the
body) adds ``"errors": {field: [messages]}`` with every message.
"""

import re

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler

from accounts.inputs import InputError, parse_id


def _first_message(data) -> str:
    if isinstance(data, dict):
        for value in data.values():
            return _first_message(value)
    if isinstance(data, list) and data:
        return _first_message(data[0])
    return str(data)


CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def _in_russian(data):
    """DRF's messages that its Russian catalogue lacks (e.g. a lone surrogate in a string)
    would reach a Russian user in English: by their code, or a general one."""
    if isinstance(data, dict):
        return {key: _in_russian(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_in_russian(value) for value in data]
    if isinstance(data, ErrorDetail) and not CYRILLIC.search(data):
        messages = {
            "surrogate_characters_not_allowed": _("Текст содержит недопустимые символы."),
            "null_characters_not_allowed": _("Текст содержит недопустимые символы."),
        }
        return ErrorDetail(messages.get(data.code, _("Неверное значение.")), data.code)
    return data


def api_exception_handler(exc, context):
    if isinstance(exc, InputError):
        exc = ValidationError({"detail": str(exc)})
    response = exception_handler(exc, context)
    if response is None:
        return None
    if (get_language() or "ru").startswith("ru"):
        response.data = _in_russian(response.data)
    data = response.data
    if not (isinstance(data, dict) and set(data) == {"detail"}):
        response.data = {"detail": _first_message(data), "errors": data}
    elif isinstance(data["detail"], list):
        response.data = {"detail": _first_message(data["detail"])}
    return response


class Pages(PageNumberPagination):
    """50 rows a page, ``?page_size=`` up to 200; a page that is not a number is a 400."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        for name in (self.page_query_param, self.page_size_query_param):
            value = request.query_params.get(name)
            if value not in (None, "", "last"):
                try:
                    parse_id(value)
                except InputError:
                    raise ValidationError(
                        {
                            "detail": _("Параметр «%(name)s»: нужно целое положительное число.")
                            % {"name": name}
                        },
                        code=status.HTTP_400_BAD_REQUEST,
                    ) from None
        return super().paginate_queryset(queryset, request, view)
