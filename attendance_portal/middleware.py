from django.conf import settings
from django.utils import translation


class DefaultLanguageMiddleware:
    """Russian unless the user chose another language (the language cookie of set_language).

    Django's LocaleMiddleware would follow the browser's Accept-Language instead, showing
    an English browser a half-translated page; schools expect Russian by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
