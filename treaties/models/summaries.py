"""The summaries' state: each treaty's recompute mark, the stored summaries and their spans."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy

from treaties.choices import CountBasis
from treaties.models.records import Treaty


class SummaryMark(models.Model):
    """A treaty's durable "needs recompute" mark, and who is recomputing its summaries.

    One row per treaty. Every change that moves a treaty's figures (an event, a forum
    membership, a region assignment, a country's lifespan, the treaty's rules) sets
    `pending` in the same transaction (`services.summary_mark`). A worker claims the row
    with a conditional update (pending and unclaimed -> claimed) before recomputing, so a
    burst of edits becomes one recompute and two workers never recompute one treaty at
    once. `version` changes with every mark and every recompute: the on-demand cache keys
    carry it.
    """

    treaty = models.OneToOneField(
        Treaty,
        verbose_name=gettext_lazy("treaty"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="summary_mark",
    )
    pending = models.BooleanField(verbose_name=gettext_lazy("pending"), default=False)
    pending_since = models.DateTimeField(
        verbose_name=gettext_lazy("pending since"),
        null=True,
        blank=True,
        help_text=gettext_lazy("First mark not yet claimed."),
    )
    marked_at = models.DateTimeField(
        verbose_name=gettext_lazy("marked at"), null=True, blank=True, help_text=gettext_lazy("Latest mark.")
    )
    reason = models.CharField(
        verbose_name=gettext_lazy("reason"),
        max_length=200,
        blank=True,
        help_text=gettext_lazy("What the latest mark was for."),
    )
    version = models.PositiveBigIntegerField(verbose_name=gettext_lazy("version"), default=0)
    claimed_at = models.DateTimeField(
        verbose_name=gettext_lazy("claimed at"),
        null=True,
        blank=True,
        help_text=gettext_lazy("When a worker claimed the recompute."),
    )
    claim_token = models.CharField(verbose_name=gettext_lazy("claim token"), max_length=32, blank=True)
    computed_at = models.DateTimeField(
        verbose_name=gettext_lazy("computed at"),
        null=True,
        blank=True,
        help_text=gettext_lazy("When the last recompute finished."),
    )
    runs = models.PositiveIntegerField(
        verbose_name=gettext_lazy("runs"), default=0, help_text=gettext_lazy("Recomputes finished.")
    )

    class Meta:
        ordering = ["treaty"]
        verbose_name = gettext_lazy("summary mark")
        verbose_name_plural = gettext_lazy("summary marks")

    def __str__(self) -> str:
        return f"summaries of {self.treaty_id}: {'pending' if self.pending else 'current'}"


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


class SummaryFigures(models.Model):
    """What every summary row holds: the grouping it counts, for one way of counting, and its figures
    (participants, each legal status, on board; `summaries.Counts` reads them)."""

    count = models.CharField(verbose_name=gettext_lazy("count"), max_length=10, choices=CountBasis.choices)
    panel = models.CharField(verbose_name=gettext_lazy("panel"), max_length=GROUPING_LENGTH)
    grouping = models.CharField(verbose_name=gettext_lazy("grouping"), max_length=GROUPING_LENGTH)
    # No index of their own: the treaty leads the constraints' indexes, and the others are only
    # followed when a scheme, region or forum is deleted; every index slows the recompute's writes.
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
    countries = models.PositiveIntegerField(verbose_name=gettext_lazy("countries"))
    state_party = models.PositiveIntegerField(verbose_name=gettext_lazy("state party"))
    consented_not_in_force = models.PositiveIntegerField(verbose_name=gettext_lazy("consented not in force"))
    signatory = models.PositiveIntegerField(verbose_name=gettext_lazy("signatory"))
    withdrawal_pending = models.PositiveIntegerField(verbose_name=gettext_lazy("withdrawal pending"))
    withdrawn = models.PositiveIntegerField(verbose_name=gettext_lazy("withdrawn"))
    non_signatory = models.PositiveIntegerField(verbose_name=gettext_lazy("non signatory"))
    on_board = models.PositiveIntegerField(verbose_name=gettext_lazy("on board"))

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=_FIGURES_ADD_UP, name="%(app_label)s_%(class)s_statuses_add_up"),
        ]


class Summary(SummaryFigures):
    """A stored summary: one grouping's counts under one treaty on one stored date, for one way of counting.

    Written only by the recompute (`services.summary_recompute`), for today, the opening for
    signature and every 31 December since, and every month end of the last five years.
    """

    treaty = models.ForeignKey(
        Treaty, verbose_name=gettext_lazy("treaty"), on_delete=models.CASCADE, related_name="summaries", db_index=False
    )
    date = models.DateField(verbose_name=gettext_lazy("date"))
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
    parties = models.PositiveIntegerField(verbose_name=gettext_lazy("parties"))
    on_board_share = models.FloatField(verbose_name=gettext_lazy("on board share"))
    computed_at = models.DateTimeField(verbose_name=gettext_lazy("computed at"))

    class Meta:
        ordering = ["treaty", "count", "date", "grouping"]
        verbose_name_plural = gettext_lazy("summaries")
        constraints = [
            *SummaryFigures.Meta.constraints,
            models.UniqueConstraint(
                fields=["treaty", "count", "date", "grouping"], name="%(app_label)s_%(class)s_one_per_grouping"
            ),
            models.CheckConstraint(
                condition=Q(parties=F("state_party") + F("withdrawal_pending")),
                name="%(app_label)s_%(class)s_parties_in_law",
            ),
            models.CheckConstraint(
                condition=Q(on_board__lte=F("countries")), name="%(app_label)s_%(class)s_on_board_among_countries"
            ),
        ]
        verbose_name = gettext_lazy("summary")

    def __str__(self) -> str:
        return f"{self.treaty_id} {self.grouping} on {self.date} ({self.count})"


class SummarySpan(SummaryFigures):
    """One grouping's counts under one treaty over a stretch of days in which they do not change.

    Derived from the events by the recompute, together with the stored summaries. The summary
    for any date is then the span holding it: one indexed range query per panel, whatever the
    number of events, instead of a pass over a treaty's events.
    """

    treaty = models.ForeignKey(
        Treaty,
        verbose_name=gettext_lazy("treaty"),
        on_delete=models.CASCADE,
        related_name="summary_spans",
        db_index=False,
    )
    # Kept with the figures, so the as-of query reads one table (a rename marks the summaries).
    label = models.CharField(verbose_name=gettext_lazy("label"), max_length=LABEL_LENGTH)
    slug = models.CharField(verbose_name=gettext_lazy("slug"), max_length=60, blank=True)
    valid_from = models.DateField(verbose_name=gettext_lazy("valid from"))
    valid_until = models.DateField(
        verbose_name=gettext_lazy("valid until"), help_text=gettext_lazy("The first day the counts are different.")
    )

    class Meta:
        ordering = ["treaty", "count", "grouping", "valid_from"]
        constraints = [
            *SummaryFigures.Meta.constraints,
            models.UniqueConstraint(
                fields=["treaty", "count", "grouping", "valid_from"], name="%(app_label)s_%(class)s_no_overlap"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")), name="%(app_label)s_%(class)s_ends_after_start"
            ),
        ]
        indexes = [
            # The as-of query: one treaty, one way of counting, one panel, spans holding a date. With
            # `valid_until` in the index the scan skips the spans that ended before the date without
            # reading them; only the handful that hold it are fetched.
            models.Index(fields=["treaty", "count", "panel", "valid_from", "valid_until"], name="summaryspan_as_of"),
        ]
        verbose_name = gettext_lazy("summary span")
        verbose_name_plural = gettext_lazy("summary spans")

    def __str__(self) -> str:
        return f"{self.treaty_id} {self.grouping} {self.valid_from}..{self.valid_until} ({self.count})"
