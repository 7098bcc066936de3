"""The record: treaties, with their rules as data, and the dated events of each country under each."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from countries.models import Country, localized, name_field
from ottawa_tracker.text import SOURCE_NOT_VISIBLE, has_visible_text
from ottawa_tracker.versioning import version_field
from treaties.choices import (
    CONSENT_KINDS,
    FREE_VALUE_KINDS,
    KIND_VALUES,
    KINDS_REQUIRING_NOTE,
    KINDS_REQUIRING_VALUE,
    LEGAL_KINDS,
    POSITION_KINDS,
    VALUE_MAX_LENGTH,
    DatePrecision,
    EventKind,
    PeriodUnit,
)
from treaties.status import TreatyRule


class Treaty(models.Model):
    """A multilateral treaty, with its own dates and its rules for joining and leaving as data."""

    slug = models.SlugField(verbose_name=gettext_lazy("slug"), max_length=50, unique=True)
    short_name = models.CharField(verbose_name=gettext_lazy("short name"), max_length=100)
    short_name_fr = name_field(100, "fr", "short name")
    short_name_es = name_field(100, "es", "short name")
    title = models.CharField(verbose_name=gettext_lazy("title"), max_length=400)
    title_fr = name_field(400, "fr", "title")
    title_es = name_field(400, "es", "title")
    adopted = models.DateField(verbose_name=gettext_lazy("adopted"), null=True, blank=True)
    opened_for_signature = models.DateField(verbose_name=gettext_lazy("opened for signature"), null=True, blank=True)
    entry_into_force = models.DateField(
        verbose_name=gettext_lazy("entry into force"),
        null=True,
        blank=True,
        help_text=gettext_lazy("The treaty's own entry into force."),
    )
    eif_instruments = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("eif instruments"),
        null=True,
        blank=True,
        help_text=gettext_lazy("How many instruments of consent the treaty needed to enter into force."),
    )
    eif_threshold_date = models.DateField(
        gettext_lazy("threshold reached"),
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "The day the last instrument needed for entry into force was deposited (the 40th for Ottawa). "
            "Blank: read_depositary_page finds it from the depositary's table."
        ),
    )
    late_eif_unit = models.CharField(
        gettext_lazy("entry into force for a later instrument: unit"), max_length=20, choices=PeriodUnit.choices
    )
    late_eif_count = models.PositiveSmallIntegerField(gettext_lazy("entry into force for a later instrument: count"))
    withdrawal_unit = models.CharField(
        gettext_lazy("withdrawal takes effect: unit"), max_length=20, choices=PeriodUnit.choices
    )
    withdrawal_count = models.PositiveSmallIntegerField(gettext_lazy("withdrawal takes effect: count"))
    depositary = models.CharField(verbose_name=gettext_lazy("depositary"), max_length=200, blank=True)
    reference = models.CharField(
        verbose_name=gettext_lazy("reference"),
        max_length=100,
        blank=True,
        help_text=gettext_lazy("e.g. UNTC chapter XXVI-5"),
    )
    url = models.URLField(verbose_name=gettext_lazy("url"), max_length=500, blank=True)
    source = models.TextField(
        verbose_name=gettext_lazy("source"),
        help_text=gettext_lazy("Where the dates and rules come from (the articles that set them)."),
    )
    signature_closes = models.DateField(
        verbose_name=gettext_lazy("signature closes"),
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "The day the treaty closed for signature; a signature must be dated before it (Ottawa, "
            "art. 15: open until its entry into force, so 1999-03-01). Blank while it is still open."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="protocols",
        help_text=gettext_lazy(
            "For a protocol or an amendment, the treaty it is annexed to (the CCW's protocols): "
            "a State consents to it only while it has consented to the parent (CCW art. 4)."
        ),
    )
    provisional_application = models.BooleanField(
        gettext_lazy("allows provisional application"),
        default=False,
        help_text=gettext_lazy(
            "The treaty lets a State apply it before it enters into force for that State (CCM art. 18, ATT art. 23)."
        ),
    )
    withdrawal_armed_conflict_hold = models.BooleanField(
        gettext_lazy("armed conflict holds a withdrawal"),
        default=False,
        help_text=gettext_lazy(
            "A withdrawing State engaged in an armed conflict stays bound until the conflict ends "
            "(Ottawa art. 20(3)); record the date it took effect on the withdrawal."
        ),
    )
    stance_lapse_years = models.PositiveSmallIntegerField(
        gettext_lazy("stances lapse after (years)"),
        null=True,
        blank=True,
        help_text=gettext_lazy(
            'A declared stance counts towards "on board" until replaced, ended, or older than this '
            "(Ottawa: 3). Blank: never lapses."
        ),
    )
    version = version_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["short_name"]
        verbose_name_plural = gettext_lazy("treaties")
        constraints = [
            # The threshold only of a treaty in force; it may be left blank there, for `read_depositary_page`
            # finds it from the table (with the treaty's own date the rule gives the same dates without it).
            models.CheckConstraint(
                condition=Q(eif_threshold_date__isnull=True) | Q(entry_into_force__isnull=False),
                name="%(app_label)s_%(class)s_threshold_only_in_force",
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
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")), name="%(app_label)s_%(class)s_not_own_parent"
            ),
        ]
        verbose_name = gettext_lazy("treaty")

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("treaties:treaty_detail", kwargs={"slug": self.slug})

    @property
    def local_short_name(self) -> str:
        """The short name in the active language (the official French or Spanish one), else English."""
        return localized(self, "short_name")

    @property
    def local_title(self) -> str:
        return localized(self, "title")

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
        if self.parent_id is not None and self.pk is not None:
            ancestor, seen = self.parent, {self.pk}
            while ancestor is not None:
                if ancestor.pk in seen:
                    add("parent", f"The {ancestor} cannot be the parent of the {self}: it is annexed to it already.")
                    break
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
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
            if not self.provisional_application and (
                act := events.filter(kind=EventKind.PROVISIONAL_APPLICATION).first()
            ):
                add(
                    "provisional_application",
                    f"{act} is recorded, so the treaty allows provisional application: "
                    "correct or retract that event first.",
                )
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
            stance_lapse_years=self.stance_lapse_years,
        )


_VALUE_FITS_KIND = Q(
    kind__in=[k for k in EventKind.values if k not in KIND_VALUES and k not in FREE_VALUE_KINDS], value=""
)
for _kind, _values in KIND_VALUES.items():
    _VALUE_FITS_KIND |= Q(kind=_kind, value__in=_values)
_VALUE_FITS_KIND |= Q(kind__in=sorted(FREE_VALUE_KINDS))


class ActiveEventManager(models.Manager):
    """Events that count: every event not retracted."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(retracted_at__isnull=True)


class StatusEvent(models.Model):
    """One dated fact about one country and one treaty (a legal act or a policy position), with its source."""

    treaty = models.ForeignKey(
        Treaty, verbose_name=gettext_lazy("treaty"), on_delete=models.PROTECT, related_name="events"
    )
    country = models.ForeignKey(
        Country, verbose_name=gettext_lazy("country"), on_delete=models.PROTECT, related_name="status_events"
    )
    kind = models.CharField(verbose_name=gettext_lazy("kind"), max_length=30, choices=EventKind.choices)
    value = models.CharField(
        verbose_name=gettext_lazy("value"),
        max_length=VALUE_MAX_LENGTH,
        blank=True,
        help_text=gettext_lazy(
            "A stance, a vote, a moratorium's scope, `consent` on a withdrawal, or the territories of a "
            "territorial application."
        ),
    )
    date = models.DateField(
        verbose_name=gettext_lazy("date"),
        help_text=gettext_lazy("The date of the act, e.g. the deposit of the instrument."),
    )
    date_precision = models.CharField(
        verbose_name=gettext_lazy("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        # In the database too, so bulk COPY and raw inserts that leave it out store "day".
        db_default=DatePrecision.DAY,
        help_text=gettext_lazy(
            "How precisely the date is known: a fact known only to the month or the year is stored on the "
            'first day of that period, counted from then, and shown as written ("March 2004", "1994").'
        ),
    )
    effective_date = models.DateField(
        verbose_name=gettext_lazy("effective date"),
        null=True,
        blank=True,
        help_text=gettext_lazy("When it takes effect, only where it differs from what the treaty's rule gives."),
    )
    end_date = models.DateField(
        verbose_name=gettext_lazy("end date"),
        null=True,
        blank=True,
        help_text=gettext_lazy("When a position ended, e.g. a moratorium lifted."),
    )
    source = models.TextField(verbose_name=gettext_lazy("source"), help_text=gettext_lazy("A URL or citation."))
    note = models.TextField(
        verbose_name=gettext_lazy("note"),
        blank=True,
        help_text=gettext_lazy("Research notes; the text itself of a declaration, reservation or objection."),
    )
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=gettext_lazy("updated at"), auto_now=True)
    version = version_field()
    retracted_at = models.DateTimeField(
        verbose_name=gettext_lazy("retracted at"),
        null=True,
        blank=True,
        editable=False,
        help_text=gettext_lazy("When staff took the event back; it no longer counts."),
    )
    retraction_reason = models.TextField(
        verbose_name=gettext_lazy("retraction reason"),
        blank=True,
        editable=False,
        help_text=gettext_lazy("Why the event was taken back."),
    )

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
                condition=~Q(kind__in=sorted(KINDS_REQUIRING_NOTE), note=""),
                name="%(app_label)s_%(class)s_statement_text_required",
            ),
            models.CheckConstraint(
                condition=Q(effective_date__isnull=True)
                | Q(kind__in=sorted([*CONSENT_KINDS, EventKind.WITHDRAWAL_NOTICE, EventKind.DEADLINE_EXTENDED])),
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
        verbose_name = gettext_lazy("status event")
        verbose_name_plural = gettext_lazy("status events")

    def __str__(self) -> str:
        value = f" ({self.value})" if self.value else ""
        return f"{self.country} {self.get_kind_display().lower()}{value} of {self.treaty} on {self.date}"

    @property
    def is_statement(self) -> bool:
        """A declaration, reservation or objection: its `note` is the State's own text, shown in full."""
        return self.kind in KINDS_REQUIRING_NOTE
