"""Every public page and CSV export makes exactly the number of queries tests/treaties/query_counts.py says.

Exact, not a ceiling (NetBox's utilities/testing): one more query fails, and so does one fewer, so
that the table is updated on purpose. The second test adds many rows and expects the same numbers:
a page's queries must not grow with its rows.
"""

import pytest
from django.urls import get_resolver, resolve

from tests.treaties.query_counts import QUERY_COUNTS, add_rows, assert_exact_queries, count_queries, expected_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", QUERY_COUNTS)
def test_exact_query_count(client, reference_data, url):
    assert_exact_queries(client, url)


def test_query_counts_do_not_grow_with_rows(client, reference_data):
    add_rows()
    counts = {url: count_queries(client, url)[0] for url in QUERY_COUNTS}
    assert counts == {url: expected_queries(url) for url in QUERY_COUNTS}


def test_every_public_page_and_export_is_counted():
    """A new page or export gets a line in the table."""
    named = {pattern.name for pattern in get_resolver("treaties.urls").url_patterns}
    counted = {resolve(url.split("?")[0]).url_name for url in QUERY_COUNTS}
    assert counted == named
