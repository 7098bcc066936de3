"""Every response carries a strict Content-Security-Policy, and no page needs inline script or style to obey it."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from treaties.models import StatusEvent

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = [
    "/",
    "/?date=1997-12-31",
    "/treaties/ottawa/",
    "/treaties/ottawa/status.csv",
    "/treaties/ottawa/series.csv",
    "/treaties/ottawa/map.svg",
    "/regions/",
    "/regions.csv",
    "/regions/m49/asia/",
    "/regions/m49/asia/countries.csv",
    "/forums/",
    "/forums.csv",
    "/forums/cd/",
    "/forums/cd/members.csv",
    "/countries/FRA/",
    "/events/",
    "/events.csv",
    "/admin/login/",
]
ERRORS = [
    ("/no-such-page/", 404),
    ("/countries/ZZZ/", 404),
    ("/treaties/ottawa/?date=99999-01-01", 400),
    ("/regions/?sort=colour", 400),
]
# What the policy must say everywhere; the two exceptions are the overview (its <object> map) and the map itself.
EXPECTED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def policy(response) -> dict[str, set[str]]:
    assert "Content-Security-Policy" in response, f"{response.status_code} without a Content-Security-Policy"
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def assert_strict(response, **exceptions: set[str]) -> None:
    directives = policy(response)
    expected = {**EXPECTED, **{name.replace("_", "-"): value for name, value in exceptions.items()}}
    assert directives == expected
    for name in ("default-src", "script-src", "style-src"):
        assert not directives[name] & {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*"}


@pytest.mark.parametrize("url", PUBLIC)
def test_every_public_response_carries_the_strict_policy(client, reference_data, url):
    response = client.get(url)
    assert response.status_code == 200
    if url.startswith("/?") or url == "/":
        assert_strict(response, object_src={"'self'"})
    elif url.endswith("map.svg"):
        assert_strict(response, frame_ancestors={"'self'"})
    else:
        assert_strict(response)


@pytest.mark.parametrize(("url", "status"), ERRORS)
def test_error_pages_carry_the_policy(client, reference_data, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert_strict(response)


def test_a_request_for_another_host_is_refused_with_the_policy(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert_strict(response)


def test_admin_pages_carry_the_policy(editor_client, reference_data):
    event = StatusEvent.objects.order_by("pk").first()
    for url in [
        "/admin/",
        "/admin/treaties/statusevent/",
        f"/admin/treaties/statusevent/{event.pk}/change/",
        f"/admin/treaties/statusevent/{event.pk}/history/",
        "/admin/treaties/statusevent/add/",
        "/admin/treaties/statusevent/import/",
        "/admin/jsi18n/",
    ]:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)
        if response["Content-Type"].startswith("text/html"):
            assert inline_code(response.content.decode()) == [], url


def test_the_map_has_no_inline_style(client, reference_data):
    svg = client.get("/treaties/ottawa/map.svg", {"date": "2026-11-27"}).content.decode()
    assert "<style" not in svg and "style=" not in svg
    assert '<?xml-stylesheet href="/static/css/map.css" type="text/css"?>' in svg
    assert 'class="s-withdrawn" fill="#9f1239"' in svg


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    found = []
    for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER, JAVASCRIPT_URL):
        found += [html[max(m.start() - 40, 0) : m.end() + 40] for m in pattern.finditer(html)]
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "templates").rglob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_style(path):
    assert inline_code(path.read_text(encoding="utf-8")) == []


def test_rendered_pages_have_no_inline_script_or_style(client, reference_data):
    """The pages as served, with their server-built SVG chart, map legend and share bars."""
    for url in [u for u in PUBLIC if not u.endswith((".csv", ".svg"))] + ["/regions/?scheme=un-groups"]:
        response = client.get(url)
        assert inline_code(response.content.decode()) == [], url


def test_the_lockout_page_carries_the_policy(db):
    User.objects.create_user("carol", password="correct horse battery", is_staff=True)
    client = Client()
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "carol", "password": "wrong"})
    assert response.status_code == 429
    assert_strict(response)
