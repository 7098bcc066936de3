import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from tests.snapshot import DatabaseSnapshot
from treaties.models import Treaty

_snapshot: DatabaseSnapshot | None = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real shipped record once into the test database, and keep a copy of it (tests/snapshot.py).

    Each test rolls back its own changes; a transactional test empties the database, and the next test
    that asks for `reference_data` gets the copy back.
    """
    global _snapshot
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)
        _snapshot = DatabaseSnapshot.take()


@pytest.fixture
def reference_data(db):
    """The real record: countries, schemes, forums, the treaties and their events, summaries computed.

    Transactional tests empty the database after they run: the next one to ask gets the copy taken
    at the start of the run back (or loads the record, where the copy cannot be put back).
    """
    if Treaty.objects.filter(slug="ottawa").exists():
        return
    if _snapshot is not None and _snapshot.can_restore():
        _snapshot.restore()
        cache.clear()  # answers cached from the emptied database's ids and versions
    else:
        call_command("load_reference_data", "--force", verbosity=0)


def _staff(username: str, group: str) -> User:
    user = User.objects.create_user(username=username, password="correct horse battery", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db) -> User:
    """Alice: NGO staff who records and corrects events."""
    return _staff("alice", "editors")


@pytest.fixture
def viewer(db) -> User:
    """Bob: staff who may read the record but not change it."""
    return _staff("bob", "viewers")


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def viewer_client(viewer) -> Client:
    client = Client()
    client.force_login(viewer)
    return client


def pytest_configure(config):
    """Compile the French and Spanish catalogues (git-ignored .mo files) before any test translates a string.

    Babel's compiler, as `make run` uses: the tests need no gettext installed (issue 16).
    """
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).resolve().parents[1] / "locale").glob("*/LC_MESSAGES/django.po"):
        with po.open("rb") as source:
            catalogue = read_po(source)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalogue)
