"""Staged import files live in the database: the owner's alone, bounded in size, expiring; nothing on disk."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from treaties.models import StagedImport, StatusEvent
from treaties.services.staging import staged_import_get, staged_import_keep

HEADER = "iso3,treaty,kind,value,date,effective_date,end_date,source,note"
IMPORT_URL = "/admin/treaties/statusevent/import/"
OLD_FOLDER = Path("/tmp/ottawa-tracker-imports")  # noqa: S108 - where files used to wait


def csv_file(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def one_event(day: int = 3) -> bytes:
    return csv_file(f"CAN,ottawa,stance,supporter,2001-02-{day:02d},,,An NGO statement,")


def upload(client: Client, data: bytes, name: str = "events.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def confirm(client: Client, digest: str):
    return client.post(IMPORT_URL, {"digest": digest, "filename": "events.csv"}, follow=True)


@pytest.fixture
def other_editor(db) -> Client:
    user = User.objects.create_user(username="carol", password="correct horse battery", is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    client = Client()
    client.force_login(user)
    return client


def folder_listing() -> set[str]:
    return set(os.listdir(OLD_FOLDER)) if OLD_FOLDER.exists() else set()


def test_a_preview_keeps_the_file_in_the_database_not_on_disk(editor_client, editor, reference_data, tmp_path):
    assert not hasattr(settings, "EVENT_IMPORT_DIR")
    before = folder_listing()
    data = one_event()
    preview = upload(editor_client, data, name="batch.csv")
    assert preview.status_code == 200
    staged = StagedImport.objects.get(digest=preview.context["digest"])
    assert (staged.owner, bytes(staged.data), staged.size, staged.filename) == (editor, data, len(data), "batch.csv")
    assert staged.expires_at > timezone.now() + datetime.timedelta(hours=settings.EVENT_IMPORT_STAGED_HOURS - 1)
    assert folder_listing() == before
    # Confirmed, the file is imported and no longer kept.
    assert confirm(editor_client, staged.digest).status_code == 200
    assert StatusEvent.objects.filter(country__iso3="CAN", kind="stance", date="2001-02-03").exists()
    assert not StagedImport.objects.filter(pk=staged.pk).exists()


def test_another_user_cannot_confirm_a_file_they_did_not_stage(editor_client, other_editor, reference_data):
    digest = upload(editor_client, one_event()).context["digest"]
    events = StatusEvent.objects.count()
    response = confirm(other_editor, digest)
    assert "no longer kept on the server" in response.content.decode()
    assert StatusEvent.objects.count() == events
    assert StagedImport.objects.filter(digest=digest).count() == 1  # still the owner's to confirm
    assert confirm(editor_client, digest).status_code == 200
    assert StatusEvent.objects.count() == events + 1


def test_the_same_file_staged_by_two_users_is_kept_for_each(editor_client, other_editor, reference_data):
    data = one_event()
    first = upload(editor_client, data).context["digest"]
    second = upload(other_editor, data).context["digest"]
    assert first == second
    assert StagedImport.objects.filter(digest=first).count() == 2


def test_an_expired_file_is_refused_and_deleted_when_the_next_is_staged(editor_client, editor, reference_data):
    digest = upload(editor_client, one_event()).context["digest"]
    StagedImport.objects.filter(digest=digest).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    events = StatusEvent.objects.count()
    response = confirm(editor_client, digest)
    assert "no longer kept on the server" in response.content.decode()
    assert StatusEvent.objects.count() == events
    assert staged_import_get(digest=digest, user_id=editor.pk) is None
    upload(editor_client, one_event(day=4))
    assert not StagedImport.objects.filter(digest=digest).exists()
    assert StagedImport.objects.count() == 1


def test_a_staged_file_is_bounded_in_size(editor_client, editor, reference_data, settings):
    settings.EVENT_IMPORT_MAX_BYTES = 1024
    with pytest.raises(ValueError, match="EVENT_IMPORT_MAX_BYTES"):
        staged_import_keep(data=b"x" * 1025, user_id=editor.pk)
    response = upload(
        editor_client, csv_file(*[f"CAN,ottawa,stance,supporter,2001-02-03,,,src {n}," for n in range(40)])
    )
    assert "the limit is" in response.content.decode()
    assert not StagedImport.objects.exists()


def test_a_staged_file_whose_bytes_changed_is_refused(editor_client, editor, reference_data):
    digest = upload(editor_client, one_event()).context["digest"]
    StagedImport.objects.filter(digest=digest).update(data=one_event(day=9))
    assert staged_import_get(digest=digest, user_id=editor.pk) is None
