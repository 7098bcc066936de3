import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from countries.choices import CountryKind, DatePrecision, MembershipRole
from ottawa_tracker.text import SOURCE_NOT_VISIBLE, has_visible_text
from ottawa_tracker.versioning import version_field

# The languages names are kept in beside English (`name_fr`, `name_es` beside `name`). English stays in the
# base field, so CSV files, the API, lookups by name and the history read as before whatever the language.
NAME_LANGUAGES = ("fr", "es")


def name_language() -> str | None:
    """The active language if names are kept in it ("fr", "es"), else None (English or any other)."""
    language = (get_language() or "").split("-")[0]
    return language if language in NAME_LANGUAGES else None


def localized(obj: models.Model, field: str) -> str:
    """`obj.<field>` in the active language: `<field>_fr` or `<field>_es` where filled, else the English."""
    language = name_language()
    if language:
        value = getattr(obj, f"{field}_{language}", "")
        if value:
            return value
    return getattr(obj, field)


# Whole phrases, not pieces, so that each language can order its words.
NAME_FIELD_LABELS = {
    ("name", "fr"): gettext_lazy("name (French)"),
    ("name", "es"): gettext_lazy("name (Spanish)"),
    ("short name", "fr"): gettext_lazy("short name (French)"),
    ("short name", "es"): gettext_lazy("short name (Spanish)"),
    ("title", "fr"): gettext_lazy("title (French)"),
    ("title", "es"): gettext_lazy("title (Spanish)"),
}


def name_field(max_length: int, language: str, label: str = "name") -> models.CharField:
    """A name in one of NAME_LANGUAGES, beside the English field it translates."""
    return models.CharField(
        NAME_FIELD_LABELS[(label, language)],
        max_length=max_length,
        blank=True,
        help_text=gettext_lazy("Shown on the pages in that language; blank shows the English."),
    )


def _source_errors(source: str, *, required: bool = True) -> dict[str, str]:
    """A source, where one is given, must have visible text."""
    if (source or required) and not has_visible_text(source):
        return {"source": SOURCE_NOT_VISIBLE}
    return {}


class CountryQuerySet(models.QuerySet):
    def participants(self) -> "CountryQuerySet":
        return self.filter(participant=True)

    def existing_on(self, on: datetime.date) -> "CountryQuerySet":
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=on)
        )


class Country(models.Model):
    """A state, territory or organisation that can take part in forums or treaties.

    `participant` marks the usual treaty participants (the 193 UN members, the Holy
    See, the State of Palestine, the Cook Islands and Niue, and former states such as
    Yugoslavia on the dates they existed): only they are counted in summaries.
    """

    iso2 = models.CharField(gettext_lazy("ISO alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(gettext_lazy("ISO alpha-3"), max_length=3, unique=True)
    m49 = models.CharField(gettext_lazy("UN M49 code"), max_length=3, blank=True)
    name = models.CharField(verbose_name=gettext_lazy("name"), max_length=100, unique=True)
    name_fr = name_field(100, "fr")
    name_es = name_field(100, "es")
    official_name = models.CharField(verbose_name=gettext_lazy("official name"), max_length=200, blank=True)
    kind = models.CharField(
        verbose_name=gettext_lazy("kind"), max_length=20, choices=CountryKind.choices, default=CountryKind.STATE
    )
    participant = models.BooleanField(
        verbose_name=gettext_lazy("participant"),
        default=False,
        help_text=gettext_lazy("Counted among the usual treaty participants (the denominator of every summary)."),
    )
    valid_from = models.DateField(
        verbose_name=gettext_lazy("valid from"),
        null=True,
        blank=True,
        help_text=gettext_lazy("When the state came into being, if after 1945."),
    )
    valid_until = models.DateField(
        verbose_name=gettext_lazy("valid until"),
        null=True,
        blank=True,
        help_text=gettext_lazy("The day the state ceased to exist."),
    )
    source = models.TextField(
        verbose_name=gettext_lazy("source"),
        blank=True,
        help_text=gettext_lazy("Where the codes, names and dates come from."),
    )
    version = version_field()

    history = HistoricalRecords()
    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = gettext_lazy("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="%(app_label)s_%(class)s_exists_before_it_ends",
            ),
            models.CheckConstraint(condition=Q(iso3__regex=r"^[A-Z]{3}$"), name="%(app_label)s_%(class)s_iso3_format"),
            models.CheckConstraint(condition=Q(iso2__regex=r"^[A-Z]{2}$"), name="%(app_label)s_%(class)s_iso2_format"),
        ]
        verbose_name = gettext_lazy("country")

    def __str__(self) -> str:
        return self.name

    @property
    def local_name(self) -> str:
        """The short name in the active language (the UN's where it differs from ISO's), else English."""
        return localized(self, "name")

    def exists_on(self, on: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on < self.valid_until
        )

    def clean(self) -> None:
        errors = _source_errors(self.source, required=False)
        if self.pk and (self.valid_from or self.valid_until):
            # Its recorded seats must stay inside the lifespan given.
            for seat in self.forum_memberships.filter(start_date__isnull=False).select_related("forum"):
                if seat_start_problem(self, seat.start_date):
                    errors.setdefault(
                        "valid_from" if self.valid_from and seat.start_date < self.valid_from else "valid_until",
                        _(
                            "Its seat in %(forum)s from %(start)s would fall outside these dates: "
                            "correct the seat first."
                        )
                        % {"forum": seat.forum, "start": seat.start_date},
                    )
        if errors:
            raise ValidationError(errors)


class CountryFormerName(models.Model):
    """A name a country used before, e.g. Zaire until 1997 for the Democratic Republic of the Congo."""

    country = models.ForeignKey(
        Country, verbose_name=gettext_lazy("country"), on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField(verbose_name=gettext_lazy("name"), max_length=200)
    until = models.DateField(
        verbose_name=gettext_lazy("until"), null=True, blank=True, help_text=gettext_lazy("Last day the name was used.")
    )
    source = models.TextField(verbose_name=gettext_lazy("source"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "until"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="%(app_label)s_%(class)s_unique_name"),
        ]
        verbose_name = gettext_lazy("country former name")
        verbose_name_plural = gettext_lazy("country former names")

    def __str__(self) -> str:
        return f"{self.name} (until {self.until})" if self.until else self.name


class CountrySuccession(models.Model):
    """One state succeeding another, e.g. Serbia and Montenegro by Serbia in 2006.

    A `continuation` (Serbia continuing Serbia and Montenegro) carries the
    predecessor's treaty acts and forum seats over to the successor; a plain
    succession (Montenegro) does not: the new state makes its own acts.
    """

    predecessor = models.ForeignKey(
        Country, verbose_name=gettext_lazy("predecessor"), on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        Country, verbose_name=gettext_lazy("successor"), on_delete=models.CASCADE, related_name="predecessions"
    )
    date = models.DateField(verbose_name=gettext_lazy("date"))
    continuation = models.BooleanField(
        verbose_name=gettext_lazy("continuation"),
        default=False,
        help_text=gettext_lazy("The successor continues the predecessor's legal personality, treaties and seats."),
    )
    source = models.TextField(verbose_name=gettext_lazy("source"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "predecessor"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="%(app_label)s_%(class)s_unique_pair"),
            models.UniqueConstraint(
                fields=["successor"], condition=Q(continuation=True), name="%(app_label)s_%(class)s_one_continued_state"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="%(app_label)s_%(class)s_not_itself"
            ),
            models.CheckConstraint(condition=~Q(source=""), name="%(app_label)s_%(class)s_source_required"),
        ]
        verbose_name = gettext_lazy("country succession")
        verbose_name_plural = gettext_lazy("country successions")

    def __str__(self) -> str:
        verb = "continued by" if self.continuation else "succeeded by"
        return f"{self.predecessor} {verb} {self.successor} ({self.date})"

    def clean(self) -> None:
        if errors := _source_errors(self.source):
            raise ValidationError(errors)


class RegionScheme(models.Model):
    """A way of grouping countries into regions: UN M49, the UN Regional Groups, a campaign's own."""

    slug = models.SlugField(verbose_name=gettext_lazy("slug"), max_length=50, unique=True)
    name = models.CharField(verbose_name=gettext_lazy("name"), max_length=100)
    name_fr = name_field(100, "fr")
    name_es = name_field(100, "es")
    description = models.TextField(verbose_name=gettext_lazy("description"), blank=True)
    source = models.TextField(verbose_name=gettext_lazy("source"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = gettext_lazy("region scheme")
        verbose_name_plural = gettext_lazy("region schemes")

    def __str__(self) -> str:
        return self.name

    @property
    def local_name(self) -> str:
        return localized(self, "name")


class Region(models.Model):
    """One region of a scheme, e.g. Asia in UN M49 or the African Group."""

    scheme = models.ForeignKey(
        RegionScheme, verbose_name=gettext_lazy("scheme"), on_delete=models.CASCADE, related_name="regions"
    )
    slug = models.SlugField(verbose_name=gettext_lazy("slug"), max_length=60)
    name = models.CharField(verbose_name=gettext_lazy("name"), max_length=100)
    name_fr = name_field(100, "fr")
    name_es = name_field(100, "es")
    code = models.CharField(
        verbose_name=gettext_lazy("code"),
        max_length=20,
        blank=True,
        help_text=gettext_lazy("The scheme's own code, e.g. the M49 number."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "slug"], name="%(app_label)s_%(class)s_unique_slug"),
            models.UniqueConstraint(fields=["scheme", "name"], name="%(app_label)s_%(class)s_unique_name"),
        ]
        verbose_name = gettext_lazy("region")
        verbose_name_plural = gettext_lazy("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.scheme.slug})"

    @property
    def local_name(self) -> str:
        return localized(self, "name")


class RegionAssignment(models.Model):
    """A country's region in one scheme: a country has at most one region per scheme."""

    scheme = models.ForeignKey(
        RegionScheme, verbose_name=gettext_lazy("scheme"), on_delete=models.CASCADE, related_name="assignments"
    )
    region = models.ForeignKey(
        Region, verbose_name=gettext_lazy("region"), on_delete=models.CASCADE, related_name="assignments"
    )
    country = models.ForeignKey(
        Country, verbose_name=gettext_lazy("country"), on_delete=models.CASCADE, related_name="region_assignments"
    )
    note = models.TextField(verbose_name=gettext_lazy("note"), blank=True)
    source = models.TextField(verbose_name=gettext_lazy("source"), blank=True)

    version = version_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "region", "country"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "country"], name="%(app_label)s_%(class)s_one_region_per_scheme"),
        ]
        verbose_name = gettext_lazy("region assignment")
        verbose_name_plural = gettext_lazy("region assignments")

    def __str__(self) -> str:
        return f"{self.country} in {self.region}"

    def clean(self) -> None:
        if self.region_id and self.scheme_id and self.region.scheme_id != self.scheme_id:
            raise ValidationError(
                {
                    "region": _("%(region)s is not a region of the scheme %(scheme)s.")
                    % {"region": self.region.name, "scheme": self.scheme}
                }
            )


class Forum(models.Model):
    """An organisation where states meet, e.g. the Conference on Disarmament or the OSCE."""

    slug = models.SlugField(verbose_name=gettext_lazy("slug"), max_length=50, unique=True)
    name = models.CharField(verbose_name=gettext_lazy("name"), max_length=150)
    name_fr = name_field(150, "fr")
    name_es = name_field(150, "es")
    short_name = models.CharField(verbose_name=gettext_lazy("short name"), max_length=30, blank=True)
    short_name_fr = name_field(30, "fr", "short name")
    short_name_es = name_field(30, "es", "short name")
    description = models.TextField(verbose_name=gettext_lazy("description"), blank=True)
    source = models.TextField(verbose_name=gettext_lazy("source"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = gettext_lazy("forum")
        verbose_name_plural = gettext_lazy("forums")

    def __str__(self) -> str:
        return self.name

    @property
    def local_name(self) -> str:
        return localized(self, "name")

    @property
    def local_short_name(self) -> str:
        return localized(self, "short_name")


class ForumMembershipQuerySet(models.QuerySet):
    def active_on(self, on: datetime.date) -> "ForumMembershipQuerySet":
        # A membership whose start is unknown counts from the beginning: the rosters
        # we load list current members whose joining date no source gave.
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=on)).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=on)
        )


class ForumMembership(models.Model):
    """A country's seat in a forum for a period: joined, left, as member, observer or partner."""

    forum = models.ForeignKey(
        Forum, verbose_name=gettext_lazy("forum"), on_delete=models.CASCADE, related_name="memberships"
    )
    country = models.ForeignKey(
        Country, verbose_name=gettext_lazy("country"), on_delete=models.CASCADE, related_name="forum_memberships"
    )
    role = models.CharField(
        verbose_name=gettext_lazy("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    start_date = models.DateField(verbose_name=gettext_lazy("start date"), null=True, blank=True)
    start_precision = models.CharField(
        verbose_name=gettext_lazy("start precision"),
        max_length=20,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    end_date = models.DateField(
        verbose_name=gettext_lazy("end date"),
        null=True,
        blank=True,
        help_text=gettext_lazy("The first day the country was no longer in."),
    )
    end_note = models.TextField(verbose_name=gettext_lazy("end note"), blank=True)
    source = models.TextField(verbose_name=gettext_lazy("source"))
    start_source = models.TextField(verbose_name=gettext_lazy("start source"), blank=True)
    note = models.TextField(verbose_name=gettext_lazy("note"), blank=True)

    version = version_field()

    history = HistoricalRecords()
    objects = ForumMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["forum", "country", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gt=models.F("start_date")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=False) | Q(start_precision=DatePrecision.UNKNOWN),
                name="%(app_label)s_%(class)s_unknown_start_has_no_date",
            ),
            models.CheckConstraint(condition=~Q(source=""), name="%(app_label)s_%(class)s_source_required"),
            models.UniqueConstraint(
                fields=["forum", "country", "role", "start_date"], name="%(app_label)s_%(class)s_unique_period"
            ),
        ]
        indexes = [models.Index(fields=["forum", "start_date", "end_date"])]
        verbose_name = gettext_lazy("forum membership")
        verbose_name_plural = gettext_lazy("forum memberships")

    def __str__(self) -> str:
        return f"{self.country} in {self.forum.slug} ({self.get_role_display().lower()})"

    def active_on(self, on: datetime.date) -> bool:
        return (self.start_date is None or self.start_date <= on) and (self.end_date is None or on < self.end_date)

    def clean(self) -> None:
        errors = _source_errors(self.source)
        if self.country_id and (problem := seat_start_problem(self.country, self.start_date)):
            errors["start_date"] = problem
        if errors:
            raise ValidationError(errors)


def seat_start_problem(country: Country, start: datetime.date | None) -> str | None:
    """Why a seat cannot start on `start`: its country did not exist then; None if it can.

    A seat held before a state existed belongs to the state that held it (Serbia's OSCE
    seat from 2000 to the Federal Republic of Yugoslavia, then Serbia and Montenegro): a
    state that continues another counts that state's seats. The loader, the service and
    the admin all ask this.
    """
    if start is None:
        return None
    if country.valid_from and start < country.valid_from:
        return _(
            "%(country)s came into being on %(valid_from)s; a seat from %(start)s belongs to the state "
            "that held it then (a state that continues it counts its seats)."
        ) % {"country": country, "valid_from": country.valid_from, "start": start}
    if country.valid_until and start >= country.valid_until:
        return _("%(country)s ceased to exist on %(valid_until)s; it cannot take a seat on %(start)s.") % {
            "country": country,
            "valid_until": country.valid_until,
            "start": start,
        }
    return None


class ReferenceDataset(models.Model):
    """A shipped data set as last loaded: its name and a fingerprint of the files and package versions it read.

    `load_reference_data` skips a data set whose fingerprint has not changed, so staff
    corrections made in the admin are never overwritten by re-running it.
    """

    name = models.CharField(verbose_name=gettext_lazy("name"), max_length=100, unique=True)
    fingerprint = models.CharField(verbose_name=gettext_lazy("fingerprint"), max_length=64)
    loaded_at = models.DateTimeField(verbose_name=gettext_lazy("loaded at"), auto_now=True)
    summary = models.TextField(verbose_name=gettext_lazy("summary"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = gettext_lazy("reference dataset")
        verbose_name_plural = gettext_lazy("reference datasets")

    def __str__(self) -> str:
        return self.name
