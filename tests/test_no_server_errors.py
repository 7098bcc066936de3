"""No input ever yields an HTTP 500: every public URL with odd parameters answers 2xx, 400 or 404."""

import pytest

pytestmark = pytest.mark.django_db

URLS = [
    "/",
    "/treaties/ottawa/",
    "/treaties/ottawa/status.csv",
    "/treaties/ottawa/map.svg",
    "/regions/",
    "/regions.csv",
    "/regions/m49/asia/",
    "/regions/m49/asia/countries.csv",
    "/regions/un-groups/no-region/",
    "/forums/",
    "/forums.csv",
    "/forums/cd/",
    "/forums/cd/members.csv",
    "/countries/FRA/",
    "/events/",
    "/events.csv",
]
ODD = [
    {"date": "99999-01-01"},
    {"date": "1997-12-31T00:00"},
    {"date": "\x00"},
    {"date": "1997-12-31", "count": "DEPOSIT"},
    {"treaty": "../../etc/passwd"},
    {"treaty": "<script>"},
    {"treaty": "ottawa\x00"},
    {"scheme": "m49\x00"},
    {"q": "\x00"},
    {"scheme": "m49' OR 1=1 --"},
    {"sort": "--country"},
    {"sort": "-"},
    {"date": ["1997-12-31", "1998-01-01"]},
    {"bom": "yes"},
    {"date": "0000-00-00"},
    {"date": "1900-01-01"},
    {"date": "2100-12-31"},
    {"country": "\x00", "region": ":"},
    {"region": "m49:", "forum": "", "kind": ""},
    {"date_after": "1997-12-31T00:00", "page": "0"},
    {"q": "' OR 1=1 --", "page": "-1"},
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("params", ODD, ids=lambda p: repr(p)[:40])
def test_odd_parameters_never_cause_a_server_error(client, reference_data, url, params):
    response = client.get(url, params)
    assert response.status_code in (200, 400, 404), response.status_code
    if response.status_code == 200 and response.streaming:
        b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "url",
    [
        "/countries/" + "A" * 500 + "/",
        "/countries/%00/",
        "/treaties/" + "x" * 300 + "/",
        "/regions/m49/" + "é" * 10 + "/",
    ],
)
def test_odd_paths_are_not_found(client, reference_data, url):
    assert client.get(url).status_code == 404


def test_user_text_is_escaped(client, reference_data):
    response = client.get("/treaties/ottawa/", {"date": "<script>alert(1)</script>"})
    assert response.status_code == 400
    assert b"<script>alert(1)</script>" not in response.content
