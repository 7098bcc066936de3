"""A database outage answers 503 with Retry-After and a page that needs no database; recovery is automatic."""

import contextlib
import logging
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

from ottawa_tracker.middleware import FALLBACK_PAGE, database_unavailable_response

PAGES = [
    "/",
    "/events/",
    "/regions/?scheme=m49",
    "/forums/",
    "/treaties/ottawa/",
    "/countries/CAN/",
    "/events.csv",
    "/treaties/ottawa/status.csv",
    "/regions.csv",
]

# What the static page says, and nothing the fallback page says.
PAGE_TEXT = b"Nothing you saved has been lost"


@contextlib.contextmanager
def database_down():
    """Every query fails as with a refused connection (PostgreSQL stopped, or its port closed)."""
    refused = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    with (
        mock.patch.object(connection, "ensure_connection", side_effect=refused),
        mock.patch.object(connection, "close_if_health_check_failed"),
    ):
        yield


def body(response) -> bytes:
    """The content; a stream read to the end is closed by the test client (its export slot freed)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_outage_page(response, url: str) -> None:
    assert response.status_code == 503, url
    assert response["Retry-After"] == "30", url
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"], url
    content = body(response)
    assert PAGE_TEXT in content, url
    assert content != FALLBACK_PAGE.encode(), url


@pytest.fixture(autouse=True)
def export_limit(settings):
    """The export limit on, as in production: the outage answers 503 and frees the slot."""
    settings.EXPORT_MAX_CONCURRENT_PER_ADDRESS = 1


@pytest.mark.parametrize("url", PAGES)
def test_public_pages_and_csv_answer_503_during_an_outage_and_200_after(client, reference_data, url, caplog):
    response = client.get(url)
    assert response.status_code == 200
    body(response)
    with database_down(), caplog.at_level(logging.ERROR, logger="ottawa_tracker.outage"):
        response = client.get(url)
    assert_outage_page(response, url)
    assert "Database unavailable" in caplog.text  # logged
    # The database is back: the same page is served again, with no restart.
    response = client.get(url)
    assert response.status_code == 200, url
    body(response)


@pytest.mark.parametrize("url", ["/admin/", "/admin/treaties/statusevent/", "/admin/treaties/statusevent/import/"])
def test_the_admin_answers_503_for_a_logged_in_editor(editor_client, reference_data, url):
    assert editor_client.get(url).status_code == 200
    with database_down():
        response = editor_client.get(url)  # the session and the user are read from the database
    assert_outage_page(response, url)
    assert editor_client.get(url).status_code == 200


def test_a_post_during_an_outage_answers_503(editor_client, reference_data):
    with database_down():
        response = editor_client.post("/admin/treaties/statusevent/add/", {"source": "x"})
    assert_outage_page(response, "add")


class UserInMiddleware:
    """Reads the user in the middleware chain, as django-axes or a "last seen" middleware does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user.is_authenticated  # noqa: B018 - loads the session and the user
        return self.get_response(request)


def test_an_outage_met_inside_middleware_answers_503_too(settings, editor, reference_data):
    """Django converts an exception in middleware to a response before any process_exception sees it:
    the 500 handler answers 503 for it."""
    middleware = [*settings.MIDDLEWARE]
    middleware.insert(
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1, f"{__name__}.UserInMiddleware"
    )
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    with override_settings(MIDDLEWARE=middleware):
        assert client.get("/forums/").status_code == 200
        with database_down():
            response = client.get("/forums/")
        assert_outage_page(response, "/forums/ (middleware)")
        assert client.get("/forums/").status_code == 200


def test_other_errors_stay_500_with_the_500_page(client, reference_data):
    client.raise_request_exception = False
    with mock.patch("treaties.views.pages.world_summary", side_effect=ZeroDivisionError):
        response = client.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert b"Something went wrong on our side" in response.content


def test_the_outage_page_renders_without_a_request_or_the_database():
    """No database fixture: pytest-django refuses any query, and the page would fall back to the plain one."""
    response = database_unavailable_response()
    assert response.status_code == 503
    assert PAGE_TEXT in response.content
