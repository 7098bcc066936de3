"""The page in every language: the header's switcher and the `hreflang` alternates (issue 16).

Plain links, no form and no JavaScript: the same path under the other language's prefix (none for English)
with the same query string, so the treaty, date, scheme, filters and order all stay, and every link is a
cacheable GET that can be shared. Paths are never translated (urls.py has no gettext), so swapping the prefix
is the whole translation; it also works on a 404, where `translate_url` (which resolves the path) cannot.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost, SuspiciousOperation
from django.urls import get_script_prefix
from django.utils import translation

register = template.Library()

# A longer query string is not kept in the links: every page carries it seven times (switcher and
# alternates), and a request with a huge filter gets a small 400 page (tests/test_export_limits.py).
MAX_QUERY_KEPT = 2000


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool
    # The same URL with scheme and host, for `<link rel="alternate" hreflang>`; blank if the host is not allowed.
    absolute: str


def localized_path(path_info: str, code: str) -> str:
    """`path_info` (with or without a language prefix) under `code`'s prefix, without one for the default."""
    current = translation.get_language_from_path(path_info)
    rest = path_info[len(current) + 1 :] if current else path_info
    rest = rest or "/"
    return rest if code == settings.LANGUAGE_CODE else f"/{code}{rest}"


@register.simple_tag(takes_context=True)
def language_links(context) -> list[LanguageLink]:
    """Each language of LANGUAGES with this page's URL in it (root-relative, query string kept)."""
    request = context.get("request")
    if request is None:
        return []
    script = get_script_prefix().rstrip("/")
    # The query as the page's own links write it: blank values (menus left at "All") dropped.
    query = ""
    if len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_KEPT:
        try:
            query = urlencode([(name, value) for name, values in request.GET.lists() for value in values if value])
        except SuspiciousOperation:  # too many fields: the 400 page for it renders this template too
            query = ""
    active = translation.get_language()
    try:
        origin = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:  # the 400 page for a bad Host header renders this template too
        origin = None
    links = []
    for code, name in settings.LANGUAGES:
        url = script + localized_path(request.path_info, code)
        url = f"{url}?{query}" if query else url
        links.append(LanguageLink(code, name, url, code == active, f"{origin}{url}" if origin else ""))
    return links
