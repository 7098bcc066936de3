"""In CI the suite must run on the real services: fail, never skip, when one is missing."""

import os

import pytest
import redis
from django.db import connection

pytestmark = pytest.mark.skipif(
    not os.environ.get("CI_REQUIRE_SERVICES"), reason="only where the services are required (CI)"
)


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql", "CI must run the suite on PostgreSQL (DATABASE_URL)"
    with connection.cursor() as cursor:
        cursor.execute("select 1")
        assert cursor.fetchone() == (1,)


def test_redis_answers():
    client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=2)
    assert client.ping()
