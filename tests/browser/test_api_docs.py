"""`/api/docs/`: Swagger UI renders the schema in Chromium from the installed sidecar package, under the
site's Content-Security-Policy, with nothing fetched from anywhere else and no console error."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_render_with_nothing_from_outside(page, live_server, reference_data, screenshot):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/docs/")
    # Swagger UI has fetched the schema and drawn an operation per path.
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    assert page.locator(".info .title").inner_text().startswith("Ottawa Tracker API")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/treaties/{slug}/status/" in [p.replace("\u200b", "") for p in paths]
    screenshot("api-docs")
    assert any("/api/schema/" in url for url in requested)
    assert all(url.startswith((live_server.url, "data:", "blob:")) for url in requested), requested
    assert page.watch.outside == []
    assert page.watch.errors == []
    assert page.watch.csp == []


def test_the_docs_page_has_its_own_policy_and_no_inline_code(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html and "<script>" not in html
    assert "cdn" not in html.lower()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "img-src 'self' data:" in policy
