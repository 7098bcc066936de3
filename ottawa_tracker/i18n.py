"""Which language a request is answered in (issue 16).

Public pages: the URL decides, nothing else. `/fr/…` and `/es/…` are French and Spanish, every unprefixed
URL (the English pages, the API, CSV, feeds, `/healthz`) is English whatever Accept-Language or a cookie
say, and nobody is redirected: a shared link opens in the language it was shared in, and a cached page
never depends on a header (no `Vary: Accept-Language`; ottawa_tracker/http_cache.py keys by the path).

The admin stays at `/admin/` and follows the user: the language cookie (set by `set_language`, /i18n/setlang/),
then Accept-Language. Django's LocaleMiddleware cannot do both: with `prefix_default_language=False` it gives
every unprefixed URL, the admin included, the default language.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Unprefixed paths answered in the user's language rather than in English.
USER_LANGUAGE_PREFIXES = ("/admin/", "/i18n/")


def url_language(path: str) -> str:
    """The language a public URL is rendered in: its prefix's, or the default (English) without one."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def follows_user(path: str) -> bool:
    return path.startswith(USER_LANGUAGE_PREFIXES)


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_request(self, request):
        path = request.path_info
        if follows_user(path):
            language = translation.get_language_from_request(request, check_path=False)
        else:
            language = url_language(path)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if follows_user(request.path_info):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
