"""Operational rows: CSV files staged between preview and confirmation, and worker heartbeats."""

from django.db import models
from django.utils.translation import gettext_lazy


class StagedImport(models.Model):
    """A CSV file kept between its preview and its confirmation, in the database so that every web
    process (on any machine) sees it, owned by the user who uploaded it, bounded and expiring.

    `versions` holds the version of each event the preview said would change (`{pk: version}`),
    so the confirmation refuses rows whose target changed since.
    """

    owner = models.ForeignKey(
        "auth.User", verbose_name=gettext_lazy("owner"), on_delete=models.CASCADE, related_name="staged_imports"
    )
    digest = models.CharField(
        verbose_name=gettext_lazy("digest"), max_length=64, help_text=gettext_lazy("SHA-256 of the file.")
    )
    filename = models.CharField(verbose_name=gettext_lazy("filename"), max_length=200, blank=True)
    data = models.BinaryField(verbose_name=gettext_lazy("data"))
    size = models.PositiveIntegerField(verbose_name=gettext_lazy("size"))
    versions = models.JSONField(verbose_name=gettext_lazy("versions"), default=dict, blank=True)
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(verbose_name=gettext_lazy("expires at"))

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "digest"], name="%(app_label)s_%(class)s_one_per_owner_and_file")
        ]
        indexes = [models.Index(fields=["expires_at"], name="staged_import_expires")]
        verbose_name = gettext_lazy("staged import")
        verbose_name_plural = gettext_lazy("staged imports")

    def __str__(self) -> str:
        return f"{self.filename or self.digest[:12]} staged by {self.owner_id}"


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker said it was alive (read by `/healthz`)."""

    hostname = models.CharField(verbose_name=gettext_lazy("hostname"), max_length=200, primary_key=True)
    seen_at = models.DateTimeField(verbose_name=gettext_lazy("seen at"))

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = gettext_lazy("worker heartbeat")
        verbose_name_plural = gettext_lazy("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
