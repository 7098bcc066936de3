"""A treaty's obligations as data: what each State Party must do, and by when (DESIGN.md, "Obligations, as data").

The clock is data, not code: a period after the treaty's entry into force for the State (Ottawa art. 4:
four years), or a calendar day each year for the report covering the year before (Ottawa art. 7(2):
30 April). What a State did about an obligation is recorded as status events whose value is the
obligation's slug (`obligation_met`, `deadline_extended`, `obligation_not_applicable`); the rule that
reads them is `treaties.obligations`.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from ottawa_tracker.text import SOURCE_NOT_VISIBLE, has_visible_text
from ottawa_tracker.versioning import version_field
from treaties.choices import ObligationClock, PeriodUnit
from treaties.models.records import Treaty


class Obligation(models.Model):
    """One obligation of the States Parties to one treaty, with its clock."""

    # A treaty deleted (only one without events can be) takes its obligations with it.
    treaty = models.ForeignKey(
        Treaty, verbose_name=gettext_lazy("treaty"), on_delete=models.CASCADE, related_name="obligations"
    )
    slug = models.SlugField(
        verbose_name=gettext_lazy("slug"),
        max_length=50,
        help_text=gettext_lazy("Names the obligation in the value of the events that meet, extend or waive it."),
    )
    name = models.CharField(
        verbose_name=gettext_lazy("name"), max_length=200, help_text=gettext_lazy("e.g. stockpile destruction")
    )
    article = models.CharField(
        verbose_name=gettext_lazy("article"), max_length=30, help_text=gettext_lazy("e.g. art. 4, art. 7(1)")
    )
    clock = models.CharField(verbose_name=gettext_lazy("clock"), max_length=30, choices=ObligationClock.choices)
    period_unit = models.CharField(
        gettext_lazy("period: unit"),
        max_length=20,
        choices=PeriodUnit.choices,
        blank=True,
        help_text=gettext_lazy("After entry into force: the unit of the period (180 days, 48 months)."),
    )
    period_count = models.PositiveSmallIntegerField(
        gettext_lazy("period: count"),
        null=True,
        blank=True,
        help_text=gettext_lazy("After entry into force: how many units."),
    )
    yearly_month = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("yearly month"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Yearly: the month of the due day (4 for 30 April)."),
    )
    yearly_day = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("yearly day"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Yearly: the day of the month of the due day (30 for 30 April)."),
    )
    covers = models.CharField(
        verbose_name=gettext_lazy("covers"),
        max_length=100,
        blank=True,
        help_text=gettext_lazy("Yearly: the period each report covers (e.g. the calendar year before)."),
    )
    follows = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("follows"),
        on_delete=models.RESTRICT,  # not deleted alone while another follows it; with its treaty, yes
        null=True,
        blank=True,
        related_name="followed_by",
        help_text=gettext_lazy(
            "Yearly: the obligation after whose deadline the yearly one starts (the initial report): the "
            "first yearly report is due on the first due day after it."
        ),
    )
    extendable = models.BooleanField(
        verbose_name=gettext_lazy("extendable"),
        default=False,
        help_text=gettext_lazy("A meeting of States Parties may extend the deadline (Ottawa art. 5(3))."),
    )
    complete_record = models.BooleanField(
        verbose_name=gettext_lazy("complete record"),
        default=False,
        help_text=gettext_lazy(
            "The record holds every State's events on this obligation, so a State past its deadline with "
            "nothing recorded is overdue. Unticked (the shipped research is partial): such a State is shown as "
            "past due, not recorded, unless an event says the deadline was missed."
        ),
    )
    source = models.TextField(
        verbose_name=gettext_lazy("source"),
        help_text=gettext_lazy("The article of the treaty that sets the obligation and its clock."),
    )
    order = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("order"), default=0, help_text=gettext_lazy("Order on the pages.")
    )
    version = version_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["treaty", "order", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["treaty", "slug"], name="%(app_label)s_%(class)s_unique_slug"),
            models.CheckConstraint(condition=~Q(source=""), name="%(app_label)s_%(class)s_source_required"),
            models.CheckConstraint(
                condition=Q(
                    clock=ObligationClock.AFTER_ENTRY_INTO_FORCE,
                    period_unit__in=PeriodUnit.values,
                    period_count__isnull=False,
                )
                | Q(
                    clock=ObligationClock.YEARLY,
                    yearly_month__gte=1,
                    yearly_month__lte=12,
                    yearly_day__gte=1,
                    yearly_day__lte=31,
                ),
                name="%(app_label)s_%(class)s_clock_complete",
            ),
        ]
        verbose_name = gettext_lazy("obligation")
        verbose_name_plural = gettext_lazy("obligations")

    def __str__(self) -> str:
        return f"{self.treaty} {self.article} {self.name}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.source and not has_visible_text(self.source):
            errors["source"] = [SOURCE_NOT_VISIBLE]
        if self.clock == ObligationClock.AFTER_ENTRY_INTO_FORCE and (not self.period_unit or not self.period_count):
            errors["period_count"] = ["A deadline after entry into force needs its period: a unit and a count."]
        if self.clock == ObligationClock.YEARLY and not (self.yearly_month and self.yearly_day):
            errors["yearly_day"] = ["A yearly obligation needs its calendar day: a month and a day."]
        if self.follows_id is not None and self.follows.treaty_id != self.treaty_id:
            errors["follows"] = ["The obligation followed must be one of the same treaty."]
        if errors:
            raise ValidationError(errors)
