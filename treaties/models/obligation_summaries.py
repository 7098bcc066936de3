"""Obligations kept current: their counts by state in the stored summaries, and the record of when each
State fell overdue (issue 12, point 4).

Both are derived, never edited: `ObligationSummary` is rewritten by every summary recompute
(`services.summaries`), `ObligationOverdue` is kept by the daily job (`services.obligations`). Neither
carries history: the events they derive from do.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy

from treaties.choices import ObligationState
from treaties.models.obligations import Obligation
from treaties.models.records import Treaty
from treaties.models.summaries import GROUPING_LENGTH, LABEL_LENGTH

# One column per state, in the order of ObligationState: the columns are named after the values.
STATE_COLUMNS = tuple(ObligationState.values)
_STATES_ADD_UP = Q(parties=sum((F(column) for column in STATE_COLUMNS[1:]), F(STATE_COLUMNS[0])))


class ObligationSummary(models.Model):
    """How many States Parties of one grouping stand in each state on one obligation, on one stored date.

    Stored for today and every 31 December from the year of the treaty's entry into force to last year
    (`obligation_counts.obligation_summary_dates`); counted from entry into force, as the rule is. The
    groupings are the status summaries' (world, regions of every scheme, "no region", forums), with
    the same membership rules; `parties` is the States Parties of the grouping that have the obligation.
    """

    # The treaty leads the unique constraint's index; the other keys have no index of their own,
    # like the status summaries' (every index slows the recompute's writes).
    treaty = models.ForeignKey(
        Treaty,
        verbose_name=gettext_lazy("treaty"),
        on_delete=models.CASCADE,
        related_name="obligation_summaries",
        db_index=False,
    )
    obligation = models.ForeignKey(
        Obligation,
        verbose_name=gettext_lazy("obligation"),
        on_delete=models.CASCADE,
        related_name="summaries",
        db_index=False,
    )
    date = models.DateField(verbose_name=gettext_lazy("date"))
    panel = models.CharField(verbose_name=gettext_lazy("panel"), max_length=GROUPING_LENGTH)
    grouping = models.CharField(verbose_name=gettext_lazy("grouping"), max_length=GROUPING_LENGTH)
    scheme = models.ForeignKey(
        "countries.RegionScheme",
        verbose_name=gettext_lazy("scheme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_index=False,
    )
    region = models.ForeignKey(
        "countries.Region",
        verbose_name=gettext_lazy("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_index=False,
    )
    forum = models.ForeignKey(
        "countries.Forum",
        verbose_name=gettext_lazy("forum"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_index=False,
    )
    label = models.CharField(
        verbose_name=gettext_lazy("label"),
        max_length=LABEL_LENGTH,
        help_text=gettext_lazy("The region's or forum's name when computed."),
    )
    slug = models.CharField(
        verbose_name=gettext_lazy("slug"),
        max_length=60,
        blank=True,
        help_text=gettext_lazy("The region's or forum's slug when computed."),
    )
    pending = models.PositiveIntegerField(verbose_name=gettext_lazy("pending"))
    extended = models.PositiveIntegerField(verbose_name=gettext_lazy("extended"))
    met = models.PositiveIntegerField(verbose_name=gettext_lazy("met"))
    met_late = models.PositiveIntegerField(verbose_name=gettext_lazy("met late"))
    overdue = models.PositiveIntegerField(verbose_name=gettext_lazy("overdue"))
    not_applicable = models.PositiveIntegerField(verbose_name=gettext_lazy("not applicable"))
    unrecorded = models.PositiveIntegerField(verbose_name=gettext_lazy("unrecorded"))
    parties = models.PositiveIntegerField(
        verbose_name=gettext_lazy("parties"),
        help_text=gettext_lazy("States Parties with the obligation: the sum of the states."),
    )
    computed_at = models.DateTimeField(verbose_name=gettext_lazy("computed at"))

    class Meta:
        ordering = ["treaty", "obligation", "date", "grouping"]
        verbose_name_plural = gettext_lazy("obligation summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "obligation", "date", "grouping"], name="%(app_label)s_%(class)s_one_per_grouping"
            ),
            models.CheckConstraint(condition=_STATES_ADD_UP, name="%(app_label)s_%(class)s_states_add_up"),
        ]
        verbose_name = gettext_lazy("obligation summary")

    def __str__(self) -> str:
        return f"{self.obligation_id} {self.grouping} on {self.date}"

    @property
    def counts(self) -> dict[str, int]:
        return {column: getattr(self, column) for column in STATE_COLUMNS}


class ObligationOverdue(models.Model):
    """One State overdue on one deadline of one obligation: since when, when the daily job first saw it,
    and when it found it no longer overdue (met, extended, waived, withdrawn, its event deleted).

    One row per deadline (`due_date`): an extension that later passes unmet opens a new row. A State
    found overdue again on the same deadline (the event that met it deleted) has its row reopened
    (`cleared_on` back to empty, `since` and `recorded_on` kept), so the row always says whether that
    deadline is outstanding now.
    """

    treaty = models.ForeignKey(
        Treaty,
        verbose_name=gettext_lazy("treaty"),
        on_delete=models.CASCADE,
        related_name="overdue_record",
        db_index=False,
    )
    obligation = models.ForeignKey(
        Obligation, verbose_name=gettext_lazy("obligation"), on_delete=models.CASCADE, related_name="overdue_record"
    )
    # Derived from the events: a country deleted (only one without events can be) takes its rows with it.
    country = models.ForeignKey(
        "countries.Country",
        verbose_name=gettext_lazy("country"),
        on_delete=models.CASCADE,
        related_name="overdue_record",
        db_index=False,
    )
    due_date = models.DateField(
        verbose_name=gettext_lazy("due date"),
        help_text=gettext_lazy("The deadline in force when the State fell overdue."),
    )
    since = models.DateField(
        verbose_name=gettext_lazy("since"),
        help_text=gettext_lazy("The day it fell overdue: the day after the deadline."),
    )
    recorded_on = models.DateField(
        verbose_name=gettext_lazy("recorded on"),
        help_text=gettext_lazy("The day the daily job first found it overdue."),
    )
    cleared_on = models.DateField(
        verbose_name=gettext_lazy("cleared on"),
        null=True,
        blank=True,
        help_text=gettext_lazy("The day the daily job found it no longer overdue (empty: still overdue)."),
    )

    class Meta:
        ordering = ["treaty", "-since", "country"]
        verbose_name = gettext_lazy("overdue obligation")
        verbose_name_plural = gettext_lazy("overdue record")
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "country", "due_date"], name="%(app_label)s_%(class)s_one_per_deadline"
            ),
            models.CheckConstraint(condition=Q(since__gt=F("due_date")), name="%(app_label)s_%(class)s_after_due"),
        ]
        indexes = [
            # "Newly overdue this week": one treaty, `since` in a week.
            models.Index(fields=["treaty", "since"], name="obligationoverdue_since"),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} overdue on {self.obligation_id} since {self.since}"
