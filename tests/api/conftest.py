import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.throttles import AddressRateThrottle, TokenUserRateThrottle


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch):
    """The API's limits out of the way (the throttle test sets its own), counted afresh for each test."""
    cache.clear()
    monkeypatch.setattr(AddressRateThrottle, "rate", "100000/min", raising=False)
    monkeypatch.setattr(TokenUserRateThrottle, "rate", "100000/min", raising=False)
    yield
    cache.clear()


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def editor_api(editor) -> APIClient:
    return token_client(editor)


@pytest.fixture
def viewer_api(viewer) -> APIClient:
    return token_client(viewer)
