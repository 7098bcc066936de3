"""Import files kept between their preview and their confirmation, in the database.

Every web process, on any machine, sees the same staged files, and nothing lands in a
shared temporary folder that another local user could pre-create or link. A staged
file belongs to the user who uploaded it, is at most EVENT_IMPORT_MAX_BYTES, and
expires after EVENT_IMPORT_STAGED_HOURS; expired files are deleted whenever a file is staged.
"""

import hashlib
import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from treaties.models import StagedImport

DIGEST = re.compile(r"[0-9a-f]{64}")


def staged_import_keep(*, data: bytes, user_id: int, filename: str = "", versions: dict[str, int] | None = None) -> str:
    """Keep an uploaded file for its confirmation; returns its SHA-256 (hex).

    `versions` are the versions of the recorded events the preview would change
    (`{str(pk): version}`): the confirmation refuses rows whose target moved since.
    """
    if len(data) > settings.EVENT_IMPORT_MAX_BYTES:
        raise ValueError("the file is larger than EVENT_IMPORT_MAX_BYTES")
    now = timezone.now()
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        StagedImport.objects.filter(expires_at__lt=now).delete()
        StagedImport.objects.update_or_create(
            owner_id=user_id,
            digest=digest,
            defaults={
                "data": data,
                "size": len(data),
                "filename": filename[:200],
                "versions": versions or {},
                "expires_at": now + timedelta(hours=settings.EVENT_IMPORT_STAGED_HOURS),
            },
        )
    return digest


def staged_import_get(*, digest: str, user_id: int) -> StagedImport | None:
    """The file this user staged under `digest`, if it has not expired and still has that digest."""
    if not DIGEST.fullmatch(digest or ""):
        return None
    staged = StagedImport.objects.filter(owner_id=user_id, digest=digest, expires_at__gte=timezone.now()).first()
    if staged is None:
        return None
    staged.data = bytes(staged.data)  # PostgreSQL hands back a memoryview
    return staged if hashlib.sha256(staged.data).hexdigest() == digest else None


def staged_import_drop(*, digest: str, user_id: int) -> None:
    StagedImport.objects.filter(owner_id=user_id, digest=digest).delete()
