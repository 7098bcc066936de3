"""The OpenAPI schema validates and says what the API answers; the limits answer 429 with Retry-After,
per client address for anonymous requests and per user for tokens."""

import pytest
import yaml
from drf_spectacular.validation import validate_schema

from api.throttles import AddressRateThrottle, TokenUserRateThrottle

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on an invalid document
    paths = schema["paths"]
    for path in [
        "/api/v1/treaties/",
        "/api/v1/treaties/{slug}/status/",
        "/api/v1/treaties/{slug}/summaries/",
        "/api/v1/treaties/{slug}/series/",
        "/api/v1/compare/",
        "/api/v1/countries/{iso3}/",
        "/api/v1/schemes/",
        "/api/v1/forums/",
        "/api/v1/events/",
        "/api/v1/events/{id}/retract/",
    ]:
        assert path in paths, path
    assert set(paths["/api/v1/events/{id}/"]) >= {"get", "patch"}
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_anonymous_requests_are_limited_per_address(api, monkeypatch, reference_data):
    monkeypatch.setattr(AddressRateThrottle, "rate", "2/min")
    assert api.get("/api/v1/treaties/").status_code == 200
    assert api.get("/api/v1/treaties/", REMOTE_ADDR="127.0.0.1").status_code == 200
    refused = api.get("/api/v1/treaties/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another address is not held up.
    assert api.get("/api/v1/treaties/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_token_requests_are_limited_per_user(editor_api, viewer_api, monkeypatch, reference_data):
    monkeypatch.setattr(TokenUserRateThrottle, "rate", "1/min")
    assert editor_api.get("/api/v1/schemes/").status_code == 200
    refused = editor_api.get("/api/v1/schemes/")
    assert refused.status_code == 429
    assert refused["Retry-After"]
    # Another user from the same address is not held up.
    assert viewer_api.get("/api/v1/schemes/").status_code == 200
