from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from countries.models import Country
from ottawa_tracker.text import SOURCE_NOT_VISIBLE, has_visible_text
from treaties.choices import (
    CONSENT_KINDS,
    KIND_VALUES,
    KINDS_REQUIRING_VALUE,
    LEGAL_KINDS,
    POSITION_KINDS,
    CountBasis,
    EventKind,
    PeriodUnit,
)
from treaties.status import TreatyRule


class Treaty(models.Model):
    """A multilateral treaty, with its own dates and its rules for joining and leaving as data."""

    slug = models.SlugField(max_length=50, unique=True)
    short_name = models.CharField(max_length=100)
    title = models.CharField(max_length=400)
    adopted = models.DateField(null=True, blank=True)
    opened_for_signature = models.DateField(null=True, blank=True)
    entry_into_force = models.DateField(null=True, blank=True, help_text="The treaty's own entry into force.")
    eif_instruments = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How many instruments of consent the treaty needed to enter into force."
    )
    eif_threshold_date = models.DateField(
        "threshold reached",
        null=True,
        blank=True,
        help_text="The day the last instrument needed for entry into force was deposited (the 40th for Ottawa).",
    )
    late_eif_unit = models.CharField(
        "entry into force for a later instrument: unit", max_length=20, choices=PeriodUnit.choices
    )
    late_eif_count = models.PositiveSmallIntegerField("entry into force for a later instrument: count")
    withdrawal_unit = models.CharField("withdrawal takes effect: unit", max_length=20, choices=PeriodUnit.choices)
    withdrawal_count = models.PositiveSmallIntegerField("withdrawal takes effect: count")
    depositary = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="e.g. UNTC chapter XXVI-5")
    url = models.URLField(max_length=500, blank=True)
    source = models.TextField(help_text="Where the dates and rules come from (the articles that set them).")
    signature_closes = models.DateField(
        null=True,
        blank=True,
        help_text="The day the treaty closed for signature; a signature must be dated before it (Ottawa, "
        "art. 15: open until its entry into force, so 1999-03-01). Blank while it is still open.",
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every write; a writer must name the version it read."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["short_name"]
        verbose_name_plural = "treaties"
        constraints = [
            models.CheckConstraint(
                condition=Q(entry_into_force__isnull=True, eif_threshold_date__isnull=True)
                | Q(entry_into_force__isnull=False, eif_threshold_date__isnull=False),
                name="%(app_label)s_%(class)s_in_force_with_threshold",
            ),
            models.CheckConstraint(
                condition=Q(eif_threshold_date__isnull=True) | Q(entry_into_force__gte=F("eif_threshold_date")),
                name="%(app_label)s_%(class)s_threshold_before_entry_into_force",
            ),
            models.CheckConstraint(
                condition=Q(late_eif_unit__in=PeriodUnit.values) & Q(withdrawal_unit__in=PeriodUnit.values),
                name="%(app_label)s_%(class)s_known_units",
            ),
            models.CheckConstraint(condition=~Q(source=""), name="%(app_label)s_%(class)s_source_required"),
        ]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("treaties:treaty_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        """The treaty's own dates in order, a visible source, and no recorded act left outside them."""
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if self.source and not has_visible_text(self.source):
            add("source", SOURCE_NOT_VISIBLE)
        adopted, opened, closes = self.adopted, self.opened_for_signature, self.signature_closes
        if adopted and opened and opened < adopted:
            add(
                "opened_for_signature",
                f"The treaty cannot open for signature ({opened}) before its adoption ({adopted}).",
            )
        if adopted and self.entry_into_force and self.entry_into_force < adopted:
            add(
                "entry_into_force",
                f"The treaty cannot enter into force ({self.entry_into_force}) before its adoption ({adopted}).",
            )
        if closes and opened is None:
            add("signature_closes", "A treaty closes for signature only after it opened for it: give that date too.")
        elif closes and closes <= opened:
            add("signature_closes", f"The signature period must close after it opened ({opened}); got {closes}.")
        if self.pk and not errors:
            # The recorded acts must stay inside the dates given.
            events = self.events.order_by("date").select_related("country", "treaty")
            if adopted and (act := events.filter(kind__in=sorted(LEGAL_KINDS), date__lt=adopted).first()):
                add("adopted", f"{act} is recorded before this adoption date: correct or retract it first.")
            if opened and (act := events.filter(kind=EventKind.SIGNATURE, date__lt=opened).first()):
                add("opened_for_signature", f"{act} is recorded before this date: correct or retract it first.")
            if closes and (act := events.filter(kind=EventKind.SIGNATURE, date__gte=closes).first()):
                add("signature_closes", f"{act} is recorded on or after this date: correct or retract it first.")
        if errors:
            raise ValidationError(errors)

    @property
    def rule(self) -> TreatyRule:
        return TreatyRule(
            entry_into_force=self.entry_into_force,
            threshold_date=self.eif_threshold_date,
            late_unit=self.late_eif_unit,
            late_count=self.late_eif_count,
            withdrawal_unit=self.withdrawal_unit,
            withdrawal_count=self.withdrawal_count,
        )


_VALUE_FITS_KIND = Q(kind__in=[k for k in EventKind.values if k not in KIND_VALUES], value="")
for _kind, _values in KIND_VALUES.items():
    _VALUE_FITS_KIND |= Q(kind=_kind, value__in=_values)


class ActiveEventManager(models.Manager):
    """Events that count: every event not retracted."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(retracted_at__isnull=True)


class StatusEvent(models.Model):
    """One dated fact about one country and one treaty (a legal act or a policy position), with its source."""

    treaty = models.ForeignKey(Treaty, on_delete=models.PROTECT, related_name="events")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="status_events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    value = models.CharField(
        max_length=30, blank=True, help_text="A stance, a vote, a moratorium's scope, or `consent` on a withdrawal."
    )
    date = models.DateField(help_text="The date of the act, e.g. the deposit of the instrument.")
    effective_date = models.DateField(
        null=True,
        blank=True,
        help_text="When it takes effect, only where it differs from what the treaty's rule gives.",
    )
    end_date = models.DateField(null=True, blank=True, help_text="When a position ended, e.g. a moratorium lifted.")
    source = models.TextField(help_text="A URL or citation.")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every write; a writer must name the version it read."
    )
    retracted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When staff took the event back; it no longer counts."
    )
    retraction_reason = models.TextField(blank=True, editable=False, help_text="Why the event was taken back.")

    history = HistoricalRecords()
    # Retracted events count nowhere: `objects` (the default manager) leaves them out; the admin reads `all_objects`.
    all_objects = models.Manager()
    objects = ActiveEventManager()

    class Meta:
        ordering = ["date", "country__name", "kind"]
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "country", "kind", "date"], name="%(app_label)s_%(class)s_unique"
            ),
            models.CheckConstraint(condition=~Q(source=""), name="%(app_label)s_%(class)s_source_required"),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="%(app_label)s_%(class)s_known_kind"),
            models.CheckConstraint(condition=_VALUE_FITS_KIND, name="%(app_label)s_%(class)s_value_fits_kind"),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(KINDS_REQUIRING_VALUE), value=""),
                name="%(app_label)s_%(class)s_value_required",
            ),
            models.CheckConstraint(
                condition=Q(effective_date__isnull=True)
                | Q(kind__in=sorted([*CONSENT_KINDS, EventKind.WITHDRAWAL_NOTICE])),
                name="%(app_label)s_%(class)s_effective_date_kinds",
            ),
            # A succession takes effect from independence, which can precede the deposit.
            models.CheckConstraint(
                condition=Q(effective_date__isnull=True)
                | Q(effective_date__gte=F("date"))
                | Q(kind=EventKind.SUCCESSION),
                name="%(app_label)s_%(class)s_effective_after_act",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(kind__in=sorted(POSITION_KINDS), end_date__gt=F("date")),
                name="%(app_label)s_%(class)s_end_date_on_positions_after_start",
            ),
        ]
        indexes = [
            # The as-of-date query reads one treaty's events up to a date, country by country.
            models.Index(fields=["treaty", "country", "date"], name="event_treaty_country_date"),
            models.Index(fields=["date"], name="event_date"),
        ]

    def __str__(self) -> str:
        value = f" ({self.value})" if self.value else ""
        return f"{self.country} {self.get_kind_display().lower()}{value} of {self.treaty} on {self.date}"


class SummaryMark(models.Model):
    """A treaty's durable "needs recompute" mark, and who is recomputing its summaries.

    One row per treaty. Every change that moves a treaty's figures (an event, a forum
    membership, a region assignment, a country's lifespan, the treaty's rules) sets
    `pending` in the same transaction (`recompute.summary_mark`). A worker claims the row
    with a conditional update (pending and unclaimed -> claimed) before recomputing, so a
    burst of edits becomes one recompute and two workers never recompute one treaty at
    once. `version` changes with every mark and every recompute: the on-demand cache keys
    carry it.
    """

    treaty = models.OneToOneField(Treaty, on_delete=models.CASCADE, primary_key=True, related_name="summary_mark")
    pending = models.BooleanField(default=False)
    pending_since = models.DateTimeField(null=True, blank=True, help_text="First mark not yet claimed.")
    marked_at = models.DateTimeField(null=True, blank=True, help_text="Latest mark.")
    reason = models.CharField(max_length=200, blank=True, help_text="What the latest mark was for.")
    version = models.PositiveBigIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a worker claimed the recompute.")
    claim_token = models.CharField(max_length=32, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True, help_text="When the last recompute finished.")
    runs = models.PositiveIntegerField(default=0, help_text="Recomputes finished.")

    class Meta:
        ordering = ["treaty"]

    def __str__(self) -> str:
        return f"summaries of {self.treaty_id}: {'pending' if self.pending else 'current'}"


class SummaryFigures(models.Model):
    """The counts every summary row holds: participants, each legal status, on board."""

    countries = models.PositiveIntegerField()
    state_party = models.PositiveIntegerField()
    consented_not_in_force = models.PositiveIntegerField()
    signatory = models.PositiveIntegerField()
    withdrawal_pending = models.PositiveIntegerField()
    withdrawn = models.PositiveIntegerField()
    non_signatory = models.PositiveIntegerField()
    on_board = models.PositiveIntegerField()

    class Meta:
        abstract = True


# Groupings: "world" (every participant), "region:<id>", "noregion:<scheme id>" (the
# participants a scheme leaves out) and "forum:<id>" (members with the role `member`).
# A panel is the set of groupings shown together: "world", "scheme:<id>" or "forums".
GROUPING_LENGTH = 40
LABEL_LENGTH = 150
_FIGURES_ADD_UP = Q(
    countries=F("state_party")
    + F("consented_not_in_force")
    + F("signatory")
    + F("withdrawal_pending")
    + F("withdrawn")
    + F("non_signatory")
)


class Summary(SummaryFigures):
    """A stored summary: one grouping's counts under one treaty on one stored date, for one way of counting.

    Written only by the recompute (`recompute.summary_recompute`), for today, the opening for
    signature and every 31 December since, and every month end of the last five years.
    """

    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="summaries", db_index=False)
    date = models.DateField()
    count = models.CharField(max_length=10, choices=CountBasis.choices)
    panel = models.CharField(max_length=GROUPING_LENGTH)
    grouping = models.CharField(max_length=GROUPING_LENGTH)
    # No index of their own: the treaty leads the constraints' indexes, and the others are only
    # followed when a scheme, region or forum is deleted; every index slows the recompute's writes.
    scheme = models.ForeignKey(
        "countries.RegionScheme", null=True, blank=True, on_delete=models.CASCADE, db_index=False
    )
    region = models.ForeignKey("countries.Region", null=True, blank=True, on_delete=models.CASCADE, db_index=False)
    forum = models.ForeignKey("countries.Forum", null=True, blank=True, on_delete=models.CASCADE, db_index=False)
    label = models.CharField(max_length=LABEL_LENGTH, help_text="The region's or forum's name when computed.")
    slug = models.CharField(max_length=60, blank=True, help_text="The region's or forum's slug when computed.")
    parties = models.PositiveIntegerField()
    on_board_share = models.FloatField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["treaty", "count", "date", "grouping"]
        verbose_name_plural = "summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "count", "date", "grouping"], name="%(app_label)s_%(class)s_one_per_grouping"
            ),
            models.CheckConstraint(condition=_FIGURES_ADD_UP, name="%(app_label)s_%(class)s_statuses_add_up"),
            models.CheckConstraint(
                condition=Q(parties=F("state_party") + F("withdrawal_pending")),
                name="%(app_label)s_%(class)s_parties_in_law",
            ),
            models.CheckConstraint(
                condition=Q(on_board__lte=F("countries")), name="%(app_label)s_%(class)s_on_board_among_countries"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.treaty_id} {self.grouping} on {self.date} ({self.count})"


class SummarySpan(SummaryFigures):
    """One grouping's counts under one treaty over a stretch of days in which they do not change.

    Derived from the events by the recompute, together with the stored summaries. The summary
    for any date is then the span holding it: one indexed range query per panel, whatever the
    number of events, instead of a pass over a treaty's events.
    """

    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="summary_spans", db_index=False)
    count = models.CharField(max_length=10, choices=CountBasis.choices)
    panel = models.CharField(max_length=GROUPING_LENGTH)
    grouping = models.CharField(max_length=GROUPING_LENGTH)
    # No index of their own: the treaty leads the constraints' indexes, and the others are only
    # followed when a scheme, region or forum is deleted; every index slows the recompute's writes.
    scheme = models.ForeignKey(
        "countries.RegionScheme", null=True, blank=True, on_delete=models.CASCADE, db_index=False
    )
    region = models.ForeignKey("countries.Region", null=True, blank=True, on_delete=models.CASCADE, db_index=False)
    forum = models.ForeignKey("countries.Forum", null=True, blank=True, on_delete=models.CASCADE, db_index=False)
    # Kept with the figures, so the as-of query reads one table (a rename marks the summaries).
    label = models.CharField(max_length=LABEL_LENGTH)
    slug = models.CharField(max_length=60, blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField(help_text="The first day the counts are different.")

    class Meta:
        ordering = ["treaty", "count", "grouping", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "count", "grouping", "valid_from"], name="%(app_label)s_%(class)s_no_overlap"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")), name="%(app_label)s_%(class)s_ends_after_start"
            ),
            models.CheckConstraint(condition=_FIGURES_ADD_UP, name="%(app_label)s_%(class)s_statuses_add_up"),
        ]
        indexes = [
            # The as-of query: one treaty, one way of counting, one panel, spans holding a date. With
            # `valid_until` in the index the scan skips the spans that ended before the date without
            # reading them; only the handful that hold it are fetched.
            models.Index(fields=["treaty", "count", "panel", "valid_from", "valid_until"], name="summaryspan_as_of"),
        ]

    def __str__(self) -> str:
        return f"{self.treaty_id} {self.grouping} {self.valid_from}..{self.valid_until} ({self.count})"


class StagedImport(models.Model):
    """A CSV file kept between its preview and its confirmation, in the database so that every web
    process (on any machine) sees it, owned by the user who uploaded it, bounded and expiring.

    `versions` holds the version of each event the preview said would change (`{pk: version}`),
    so the confirmation refuses rows whose target changed since.
    """

    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="staged_imports")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the file.")
    filename = models.CharField(max_length=200, blank=True)
    data = models.BinaryField()
    size = models.PositiveIntegerField()
    versions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "digest"], name="%(app_label)s_%(class)s_one_per_owner_and_file")
        ]
        indexes = [models.Index(fields=["expires_at"], name="staged_import_expires")]

    def __str__(self) -> str:
        return f"{self.filename or self.digest[:12]} staged by {self.owner_id}"


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker said it was alive (read by `/healthz`)."""

    hostname = models.CharField(max_length=200, primary_key=True)
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
