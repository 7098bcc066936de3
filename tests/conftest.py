import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client

from treaties.models import Treaty


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real shipped record once into the test database; each test rolls back its own changes."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def reference_data(db):
    """The real record: countries, schemes, forums, the Ottawa Convention and its events.

    Transactional tests empty the database after they run, so they load it themselves.
    """
    if not Treaty.objects.filter(slug="ottawa").exists():
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
