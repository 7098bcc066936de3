"""A large, realistic synthetic record for the benchmarks: hundreds of treaties, up to 1M events.

`python manage.py generate_synthetic` (treaties/management/commands/generate_synthetic.py) is a thin
wrapper around `synthetic_generate`; the benchmark sections call it through that command.
Synthetic treaties have slugs starting with `syn-`, and a run replaces the earlier ones.
"""

import datetime
import io
import random
import time
from collections.abc import Callable

from django.core.management import call_command
from django.db import connection, transaction

from countries.models import Country, CountrySuccession
from treaties.choices import EventKind, PeriodUnit
from treaties.models import StatusEvent, Treaty

PREFIX = "syn-"
SOURCE = "synthetic benchmark data"
# The StatusEvent fields COPY writes (PostgreSQL); the others are nullable or have a database default.
COPY_FIELDS = (
    "treaty",
    "country",
    "kind",
    "value",
    "date",
    "effective_date",
    "end_date",
    "source",
    "note",
    "created_at",
    "updated_at",
    "version",
    "retraction_reason",
)
CONSENTS_AFTER_SIGNATURE = [EventKind.RATIFICATION] * 8 + [EventKind.ACCEPTANCE, EventKind.APPROVAL]


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(max((end - start).days, 1)))


def country_events(rng: random.Random, opened: datetime.date, today: datetime.date, votes: int) -> list[tuple]:
    """One country's events under one treaty, in an order the validation rules accept.

    The mix follows the real record: most states sign and ratify, a few accede, a few
    leave; policy positions (stances, yearly UN votes, moratoria) are the bulk.
    """
    events: list[tuple] = []
    roll = rng.random()
    if roll < 0.6:
        signed = _day(rng, opened, min(opened + datetime.timedelta(days=700), today))
        events.append((EventKind.SIGNATURE, "", signed, None, None))
        if rng.random() < 0.9:
            consent = _day(rng, signed, today)
            events.append((rng.choice(CONSENTS_AFTER_SIGNATURE), "", consent, None, None))
            if rng.random() < 0.03 and consent < today - datetime.timedelta(days=400):
                events.append((EventKind.WITHDRAWAL_NOTICE, "", _day(rng, consent, today), None, None))
    elif roll < 0.85:
        events.append((EventKind.ACCESSION, "", _day(rng, opened, today), None, None))
    stance_day = opened - datetime.timedelta(days=rng.randrange(0, 900))
    for _ in range(rng.randrange(0, 3)):
        stance_day = _day(rng, stance_day, today)
        events.append((EventKind.STANCE, rng.choice(["supporter", "undecided", "opposed"]), stance_day, None, None))
    for year in range(max(opened.year, today.year - votes), today.year):
        vote = rng.choices(["yes", "no", "abstain"], weights=[7, 1, 2])[0]
        events.append((EventKind.UNGA_VOTE, vote, datetime.date(year, 12, rng.randrange(1, 12)), None, None))
    if rng.random() < 0.15:
        start = _day(rng, opened, today)
        end = start + datetime.timedelta(days=rng.randrange(300, 4000))
        events.append(
            (
                EventKind.EXPORT_MORATORIUM,
                rng.choice(["comprehensive", "limited"]),
                start,
                None,
                end if end < today else None,
            )
        )
    if rng.random() < 0.1:
        events.append((EventKind.STOCKPILE_DESTROYED, "", _day(rng, opened, today), None, None))
    # One event per kind and day, as the database requires.
    unique = {(kind, date): (kind, value, date, eff, end) for kind, value, date, eff, end in events}
    return list(unique.values())


def synthetic_generate(
    *, events: int, treaties: int, seed: int = 1997, keep: bool = False, say: Callable[[str], None] = print
) -> tuple[int, float]:
    """Create `treaties` synthetic treaties with about `events` events in all; returns (events created, seconds).

    1. Load the reference data if there is none (the countries the events belong to).
    2. Unless `keep`, delete the earlier synthetic treaties and their events.
    3. Per treaty, draw each existing state's events within its lifetime, and insert them in bulk
       (COPY on PostgreSQL).
    """
    if events <= 0 or treaties <= 0:
        raise ValueError("events and treaties must be positive")
    if not Country.objects.filter(participant=True).exists():
        call_command("load_reference_data", verbosity=0)
    started = time.perf_counter()
    if not keep:
        synthetic_delete()
    rng = random.Random(seed)
    # A state that continues another (Serbia) inherits that state's acts, so it gets none of its own here.
    continuing = CountrySuccession.objects.filter(continuation=True).values("successor_id")
    countries = list(
        Country.objects.filter(participant=True)
        .exclude(pk__in=continuing)
        .values_list("pk", "valid_from", "valid_until")
    )
    today = datetime.date.today()  # noqa: DTZ011 - benchmark data, dates only
    per_treaty = max(events // treaties, 1)
    # About 2.5 events per country are acts and positions; yearly UN votes make up the rest.
    votes = max(1, min(60, round(per_treaty / len(countries) - 2.5)))
    created = 0
    with transaction.atomic():
        for number in range(treaties):
            treaty = _treaty(rng, number, today)
            rows = []
            for country_id, valid_from, valid_until in countries:
                # Acts fall within the country's own lifetime.
                start = max(treaty.opened_for_signature, valid_from or treaty.opened_for_signature)
                end = min(today, (valid_until or today) - datetime.timedelta(days=1))
                if start >= end:
                    continue
                for kind, value, date, eff, ends in country_events(rng, start, end, votes):
                    if date <= end and (valid_from is None or date >= valid_from):
                        rows.append((treaty.pk, country_id, kind, value, date, eff, ends))
            _insert(rows)
            created += len(rows)
            if number % 25 == 0:
                say(f"  {number + 1}/{treaties} treaties, {created:,} events")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(StatusEvent._meta.db_table)}")
    return created, time.perf_counter() - started


def synthetic_delete() -> None:
    """Delete the synthetic treaties, their events and their history.

    The events go in one DELETE statement: the ORM's delete would load up to a million rows to
    write their history and send their signals, which synthetic data does not need.
    """
    synthetic = Treaty.objects.filter(slug__startswith=PREFIX)
    ids = list(synthetic.values_list("pk", flat=True))
    if ids:
        quote = connection.ops.quote_name
        table = quote(StatusEvent._meta.db_table)
        column = quote(StatusEvent._meta.get_field("treaty").column)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(ids))})", ids)
    Treaty.history.filter(slug__startswith=PREFIX).delete()
    synthetic.delete()


def _treaty(rng: random.Random, number: int, today: datetime.date) -> Treaty:
    opened = _day(rng, datetime.date(1960, 1, 1), today - datetime.timedelta(days=3000))
    in_force = rng.random() < 0.85
    threshold = opened + datetime.timedelta(days=rng.randrange(200, 1500)) if in_force else None
    unit = rng.choice([PeriodUnit.MONTH_START, PeriodUnit.DAYS, PeriodUnit.MONTHS])
    count = {PeriodUnit.DAYS: 90, PeriodUnit.MONTHS: 6, PeriodUnit.MONTH_START: 6}[unit]
    treaty = Treaty(
        slug=f"{PREFIX}{number:04d}",
        short_name=f"Synthetic Treaty {number:04d}",
        title=f"Synthetic Convention number {number}",
        opened_for_signature=opened,
        entry_into_force=threshold + datetime.timedelta(days=180) if threshold else None,
        eif_instruments=rng.choice([20, 40, 50, 60]) if in_force else None,
        eif_threshold_date=threshold,
        late_eif_unit=unit,
        late_eif_count=count,
        withdrawal_unit=PeriodUnit.MONTHS,
        withdrawal_count=rng.choice([6, 12]),
        source=SOURCE,
    )
    treaty.save()
    return treaty


def _insert(rows: list[tuple]) -> None:
    """Insert the events in bulk: COPY on PostgreSQL (several times faster), else `bulk_create`."""
    if connection.vendor != "postgresql":
        StatusEvent.objects.bulk_create(
            [
                StatusEvent(
                    treaty_id=t, country_id=c, kind=k, value=v, date=d, effective_date=e, end_date=n, source=SOURCE
                )
                for t, c, k, v, d, e, n in rows
            ],
            batch_size=2000,
        )
        return
    buffer = io.StringIO()
    stamp = datetime.datetime.now(tz=datetime.UTC).isoformat()
    null = "\\N"  # COPY's text format for NULL
    for t, c, k, v, d, e, n in rows:
        buffer.write(f"{t}\t{c}\t{k}\t{v}\t{d}\t{e or null}\t{n or null}\t{SOURCE}\t\t{stamp}\t{stamp}\t1\t\n")
    buffer.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(StatusEvent._meta.get_field(name).column) for name in COPY_FIELDS)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {quote(StatusEvent._meta.db_table)} ({columns}) FROM STDIN", buffer)
