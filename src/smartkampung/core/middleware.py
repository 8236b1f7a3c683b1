"""Bahasa Indonesia first: the language is the one a user chose with the switch, else Indonesian.

Django's LocaleMiddleware would follow the browser's Accept-Language, and most browsers here say
"en-US" whatever their user reads; the regency's staff and citizens get Indonesian unless they switch.
"""

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
