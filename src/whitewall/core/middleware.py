from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class CookieLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the person chose otherwise with the language switch (a cookie).

    The browser's Accept-Language is not consulted: the organisation works in Chinese, and a
    browser set to English must not silently change the product's language.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionRefreshMiddleware:
    """Sliding session expiry with few writes: mark the session modified (so it is saved with a
    fresh expiry) only when the last refresh is more than a minute old."""

    INTERVAL = 60
    KEY = "_whitewall_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            import time

            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.INTERVAL:
                session[self.KEY] = now
        return response
