"""A database outage answers 503 with `Retry-After` and a page that needs no database.

Django turns an exception into a response at every layer of the middleware chain
(`convert_exception_to_response`), so one mechanism cannot see them all:

- an error raised by a view or while rendering its template reaches `process_exception`
  of `DatabaseUnavailableMiddleware`, which answers 503 (and the test client sees a response);
- an error raised inside another middleware (sessions, authentication, axes…) never reaches
  any `process_exception`: Django hands it to the 500 handler, `server_error` below, which
  answers 503 too when the exception was the database's.

The page is `templates/503.html`, rendered without a request, so no context processor
(the user, messages) runs and nothing touches the database. Django closes the broken
connection at the end of the request, and `conn_health_checks` makes the next one reconnect:
the site recovers by itself when the database is back.
"""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger("ottawa_tracker.outage")

# What a lost, refused or broken connection raises; other database errors are bugs and stay 500s.
OUTAGE_ERRORS = (OperationalError, InterfaceError)

FALLBACK_PAGE = "<!doctype html><title>Back in a moment</title><h1>Ottawa Tracker is back in a moment</h1>"


def is_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OUTAGE_ERRORS)


def database_unavailable_response() -> HttpResponse:
    """503, `Retry-After`, never cached; the page is rendered from a template alone, without the database."""
    retry_after = settings.OUTAGE_RETRY_AFTER_SECONDS
    try:
        body = render_to_string("503.html", {"retry_after": retry_after})
    except Exception:  # a page must go out whatever the template does
        logger.exception("The 503 page could not be rendered; sending the plain one")
        body = FALLBACK_PAGE
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 instead of 500 when the view (or its template) finds the database unavailable.

    Placed right after SecurityMiddleware and WhiteNoise, so static files and HTTPS
    redirects never depend on it; errors in the middleware below it are answered by `server_error`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except OUTAGE_ERRORS:  # only with DEBUG_PROPAGATE_EXCEPTIONS; Django converts them otherwise
            logger.exception("Database unavailable: %s %s answered 503", request.method, request.path)
            return database_unavailable_response()

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.error(
            "Database unavailable: %s %s answered 503 (%s)",
            request.method,
            request.path,
            exception,
            exc_info=exception,
        )
        return database_unavailable_response()


def server_error(request: HttpRequest, template_name: str = defaults.ERROR_500_TEMPLATE_NAME) -> HttpResponse:
    """The 500 handler (`handler500`): a database outage met outside a view still answers 503."""
    exc = sys.exc_info()[1]
    if is_outage(exc) or (isinstance(exc, DatabaseError) and is_outage(exc.__cause__)):
        return database_unavailable_response()
    return defaults.server_error(request, template_name)
