"""Backup and restore: `manage.py backup`, then `manage.py restore` into a fresh database, serve the same pages.

The pages are rendered from the test database in this process, and from the restored database
in a separate process (`render_pages` below), and compared byte for byte, with every table's row
count (history included). SQLite runs everywhere; PostgreSQL runs when the tests do (CI), with
pg_dump and pg_restore.
"""

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from tests.treaties.conftest import services_required
from treaties.management.commands.backup import dumpdata_backup

ROOT = Path(__file__).resolve().parents[1]

PAGES = [
    "/",
    "/regions/?scheme=m49&sort=-share",
    "/regions/m49/africa/",
    "/forums/",
    "/forums/cd/",
    "/treaties/ottawa/",
    "/treaties/ottawa/status.csv?date=2010-06-30",
    "/countries/CAN/",
    "/countries/USA/",
    "/events/?page=2",
    "/events.csv",
    "/regions.csv",
    "/forums.csv",
    "/treaties/ottawa/series.csv",
]

RENDER = r"""
import json, sys
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.apps import apps
from django.test import Client
client = Client()
pages = {}
for url in json.loads(sys.argv[1]):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    pages[url] = [response.status_code, body.decode()]
counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
json.dump({"pages": pages, "counts": counts}, sys.stdout)
"""

SKIP_COUNTS = {"contenttypes.ContentType", "auth.Permission", "sessions.Session"}


def render_here() -> dict:
    from django.test import Client

    client = Client()
    pages = {}
    for url in PAGES:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        pages[url] = [response.status_code, body.decode()]
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    return {"pages": pages, "counts": counts}


def manage(database_url: str, *args: str, script: str | None = None) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    command = [sys.executable, "-c", script, json.dumps(PAGES)] if script else [sys.executable, "manage.py", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


# Pages that work their figures out on request say when they were served: the one part of a
# page that rightly differs between two renders a minute apart.
SERVED_AT = re.compile(r'Computed <span class="date">[^<]*</span> UTC, as this page was served')


def served(page: list) -> list:
    status, body = page
    return [status, SERVED_AT.sub("Computed (when served)", body)]


def assert_same(before: dict, after: dict) -> None:
    assert {k: v for k, v in before["counts"].items() if k not in SKIP_COUNTS} == {
        k: v for k, v in after["counts"].items() if k not in SKIP_COUNTS
    }
    assert before["counts"]["treaties.HistoricalStatusEvent"] > 0  # history is in the backup
    for url in PAGES:
        assert before["pages"][url][0] == 200, url
        assert served(after["pages"][url]) == served(before["pages"][url]), f"{url} differs after restore"


@pytest.mark.django_db
def test_sqlite_backup_restores_into_a_fresh_database_with_identical_pages(reference_data, tmp_path):
    backup = tmp_path / "ottawa.json"
    if connection.vendor == "sqlite":
        before = render_here()
        call_command("backup", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
    else:
        # Tests on PostgreSQL (CI): an SQLite database made from the test data is the one backed up.
        dumpdata_backup(tmp_path / "seed.json")
        source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
        manage(source, "restore", str(tmp_path / "seed.json"))
        before = json.loads(manage(source, script=RENDER))
        manage(source, "backup", str(backup))
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    manage(fresh, "restore", str(backup))
    after = json.loads(manage(fresh, script=RENDER))
    assert_same(before, after)


@pytest.fixture
def fresh_postgres_database():
    """A database of its own on the same server, dropped afterwards."""
    s = connection.settings_dict
    name = f"{s['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    yield f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_into_a_fresh_database_with_identical_pages(reference_data, tmp_path, request):
    if connection.vendor != "postgresql":
        if services_required():
            pytest.fail("CI_REQUIRE_SERVICES is set but the tests run on SQLite: set DATABASE_URL to PostgreSQL")
        pytest.skip("pg_dump and pg_restore need PostgreSQL (set DATABASE_URL; CI does)")
    fresh = request.getfixturevalue("fresh_postgres_database")
    before = render_here()
    backup = tmp_path / "ottawa.dump"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert backup.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    manage(fresh, "restore", str(backup))
    after = json.loads(manage(fresh, script=RENDER))
    assert_same(before, after)
