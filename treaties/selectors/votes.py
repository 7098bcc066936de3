"""Reads: the General Assembly's yearly votes on a treaty, by year, by region, and among the States outside it.

A vote is evidence of support read beside the legal status, never instead of it: the figure the
Landmine Monitor quotes is how the States that were *not* parties on the day of the vote voted
("of the States outside the treaty, N voted yes"). Whether a State was a party is the status rule's
(`treaties.status.country_status`, counted from entry into force), with the acts of the states it
continues; a former state (Yugoslavia, Serbia and Montenegro) votes as itself.

Five queries whatever the number of years or votes: the votes, the treaty's acts, the continuations
between states, the scheme's region assignments and the scheme's regions.
"""

import datetime
from dataclasses import dataclass, field

from countries.models import Country, Region, RegionAssignment, RegionScheme
from countries.selectors import country_lineage_map
from treaties.choices import KIND_VALUES, EventKind
from treaties.models import StatusEvent, Treaty
from treaties.selectors.status_rows import acts_by_treaty_and_country
from treaties.status import country_status

VOTE_VALUES = KIND_VALUES[EventKind.UNGA_VOTE]  # yes, no, abstain, absent
# The label of the row for States in none of the scheme's regions.
NO_REGION_LABEL = "In no region"


@dataclass(slots=True)
class VoteTally:
    """How many voted yes, no, abstained, or were absent (present in the record, not voting)."""

    yes: int = 0
    no: int = 0
    abstain: int = 0
    absent: int = 0

    def add(self, value: str) -> None:
        setattr(self, value, getattr(self, value) + 1)

    @property
    def members(self) -> int:
        return self.yes + self.no + self.abstain + self.absent

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.yes, self.no, self.abstain, self.absent)


@dataclass(slots=True)
class RegionVotes:
    """One region's votes in one year: of all its members, and of those outside the treaty that day."""

    label: str
    slug: str
    all: VoteTally = field(default_factory=VoteTally)
    outside: VoteTally = field(default_factory=VoteTally)


@dataclass(frozen=True, slots=True)
class CountryVote:
    """One member's vote in the chosen year, and whether it was a party that day."""

    country: Country
    value: str
    party: bool
    region: str


@dataclass(slots=True)
class VoteYear:
    """One year's vote: the resolution, its date and record, the totals overall and outside the treaty."""

    year: int
    date: datetime.date
    resolution: str
    source: str
    all: VoteTally = field(default_factory=VoteTally)
    outside: VoteTally = field(default_factory=VoteTally)


@dataclass(slots=True)
class TreatyVotes:
    """Every year's totals (for the chart and the table over the years) and the chosen year in detail."""

    years: list[VoteYear]
    chosen: VoteYear | None
    regions: list[RegionVotes]
    countries: list[CountryVote]

    @property
    def year_numbers(self) -> list[int]:
        return [y.year for y in self.years]


def treaty_votes(*, treaty: Treaty, scheme: RegionScheme, year: int | None) -> TreatyVotes:
    """The treaty's General Assembly votes: each year's totals, overall and among the States that were
    not parties on the vote's date; for `year` (the latest when None) the same per region of `scheme`
    and each member's vote. A year with no vote gives `chosen` None."""
    rows = list(
        StatusEvent.objects.filter(treaty=treaty, kind=EventKind.UNGA_VOTE)
        .order_by("date", "country__name")
        .values_list("country_id", "country__iso3", "country__name", "date", "value", "note", "source")
    )
    if not rows:
        return TreatyVotes(years=[], chosen=None, regions=[], countries=[])
    latest_vote = max(r[3] for r in rows)
    acts = acts_by_treaty_and_country(treaties=[treaty], on=latest_vote).get(treaty.pk, {})
    lineage = country_lineage_map()
    rule = treaty.rule
    assigned = dict(RegionAssignment.objects.filter(scheme=scheme).values_list("country_id", "region_id"))
    regions = {r.pk: r for r in Region.objects.filter(scheme=scheme).order_by("name")}

    def is_party(country_id: int, on: datetime.date) -> bool:
        own = acts.get(country_id, [])
        inherited = [a for ancestor in lineage.get(country_id, ()) for a in acts.get(ancestor, [])]
        return country_status(rule, [*own, *inherited], on).is_party

    by_year: dict[int, VoteYear] = {}
    chosen_year = year if year is not None else latest_vote.year
    by_region: dict[int | None, RegionVotes] = {pk: RegionVotes(label=r.name, slug=r.slug) for pk, r in regions.items()}
    countries: list[CountryVote] = []
    unassigned = RegionVotes(label=NO_REGION_LABEL, slug="")
    for country_id, iso3, name, date, value, note, source in rows:
        entry = by_year.get(date.year)
        if entry is None:
            entry = by_year[date.year] = VoteYear(year=date.year, date=date, resolution=note, source=source)
        party = is_party(country_id, date)
        entry.all.add(value)
        if not party:
            entry.outside.add(value)
        if date.year == chosen_year:
            region_id = assigned.get(country_id)
            region = by_region.get(region_id, unassigned)
            region.all.add(value)
            if not party:
                region.outside.add(value)
            countries.append(
                CountryVote(
                    country=Country(pk=country_id, iso3=iso3, name=name), value=value, party=party, region=region.label
                )
            )
    region_rows = [r for r in by_region.values() if r.all.members]
    if unassigned.all.members:
        region_rows.append(unassigned)
    return TreatyVotes(
        years=sorted(by_year.values(), key=lambda y: y.year),
        chosen=by_year.get(chosen_year),
        regions=region_rows,
        countries=countries,
    )


@dataclass(frozen=True, slots=True)
class Positions:
    """A country's latest General Assembly vote on or before a date, and the export policy in force then."""

    vote: StatusEvent | None = None
    moratorium: StatusEvent | None = None


def latest_positions(*, treaty: Treaty, on: datetime.date) -> dict[int, Positions]:
    """Each country's latest vote on `treaty` and its export moratorium in force on `on`, by country id:
    one query, for the member tables of region and forum pages (the `show_votes` column).

    Thousands of votes are read as plain tuples and only each country's latest becomes an (unsaved)
    event with the fields the tables print: building a model instance per vote cost a forum page most
    of its rendering time.
    """
    fields = ("country_id", "kind", "date", "date_precision", "value", "end_date")
    rows = (
        StatusEvent.objects.filter(
            treaty=treaty, kind__in=[EventKind.UNGA_VOTE, EventKind.EXPORT_MORATORIUM], date__lte=on
        )
        .order_by("date")
        .values_list(*fields)
    )
    votes: dict[int, tuple] = {}
    moratoria: dict[int, tuple] = {}
    for row in rows:
        country_id, kind, end_date = row[0], row[1], row[5]
        if kind == EventKind.UNGA_VOTE:
            votes[country_id] = row
        elif end_date is None or end_date > on:
            moratoria[country_id] = row
        else:
            moratoria.pop(country_id, None)

    def event(row: tuple | None) -> StatusEvent | None:
        return None if row is None else StatusEvent(treaty=treaty, **dict(zip(fields, row, strict=True)))

    return {
        country_id: Positions(vote=event(votes.get(country_id)), moratorium=event(moratoria.get(country_id)))
        for country_id in votes.keys() | moratoria.keys()
    }


def country_votes(*, treaty: Treaty, country: Country) -> list[StatusEvent]:
    """One country's General Assembly votes on `treaty`, oldest first: one query."""
    return list(StatusEvent.objects.filter(treaty=treaty, kind=EventKind.UNGA_VOTE, country=country).order_by("date"))
