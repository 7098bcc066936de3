"""A placed page as events and rows of the event CSV import (treaties/imports.py).

`read_depositary_page` applies a newer copy of a page through `status_event_import`, so its
events pass the same checks, versioning and history as every other writer; what the record
holds and the page does not state is kept (`keep_recorded`).
"""

import csv
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from treaties.depositary.files import _iso, declaration_date, notes_text, page_declarations
from treaties.depositary.page import (
    TERRITORIAL_APPLICATION,
    TEXT_KINDS,
    WITHDRAWAL_NOTICE,
    PageDeclaration,
    PageEndNote,
    StatusPage,
)
from treaties.depositary.text import _one_line, normalise_space

# ---------------------------------------------------------------------------------------------
# The page as rows of the event CSV import (treaties/imports.py), for `status_event_import`.


def depositary_source(
    *, reference: str, status_as_at: datetime.date, url: str, notes: Iterable[PageEndNote] = ()
) -> str:
    """The source of an event read from the page: "UN Treaty Collection, UNTC MTDSG XXVI-5, status as at
    2026-02-03: <url>", and the C.N. numbers of the end notes behind it."""
    source = f"UN Treaty Collection, {reference}, status as at {status_as_at.isoformat()}: {url}"
    cited = [f"depositary's note {n.number}" + (f": {', '.join(n.cn_numbers)}" if n.cn_numbers else "") for n in notes]
    if cited:
        source += " (" + "; ".join(cited) + ")"
    return source


@dataclass(frozen=True)
class PageEvent:
    """One event the page records, before it is a CSV row: who (the name as printed), what, when."""

    participant: str
    iso3: str
    kind: str
    date: datetime.date
    effective_date: datetime.date | None = None
    value: str = ""
    note: str = ""
    notes: tuple[int, ...] = ()


def statement_note(texts: Iterable[str]) -> str:
    """The note of a declaration-like event: its texts, each with its paragraphs on their own lines,
    a blank line between texts, as the loader writes them from `<slug>_declarations.csv`."""
    return "\n\n".join(dict.fromkeys(normalise_space(t) for t in texts))


def page_events(
    page: StatusPage,
    places: Mapping[str, str],
    *,
    withdrawal_effective: Callable[[datetime.date], datetime.date] | None = None,
    territorial_value: Callable[[str], str] | None = None,
) -> tuple[list[PageEvent], list[str]]:
    """The events the page records, and the problems that keep some from being events (by participant).

    A withdrawal's effective date is given only where it differs from `withdrawal_effective(notice)`
    (the treaty's rule), as the loader does. A declaration made with the State's consent is dated
    with the consent (with the signature when the State only signed); those of one kind a State
    made on one day are one event, their texts one after the other. `territorial_value(text)`
    names the territories of a territorial application (its value).
    """
    events: list[PageEvent] = []
    problems: list[str] = []
    for p in page.participants:
        iso3 = places[p.name]
        for act in (p.signature, p.consent, p.provisional_application):
            if act is not None:
                events.append(PageEvent(p.name, iso3, act.kind, act.date, notes=p.notes))
        notice, effective = page.withdrawal_of(p)
        if notice is not None:
            if effective is not None and withdrawal_effective and withdrawal_effective(notice) == effective:
                effective = None
            events.append(PageEvent(p.name, iso3, WITHDRAWAL_NOTICE, notice, effective_date=effective, notes=p.notes))
        elif p.bracketed:
            problems.append(
                f"{p.name}: printed in brackets (withdrawn), but neither a withdrawal column nor its end notes "
                f"({notes_text(p.notes) or 'none'}) give the date of its notification."
            )
    groups: dict[tuple[str, str, datetime.date], list[PageDeclaration]] = defaultdict(list)
    for d in page_declarations(page):
        date = declaration_date(page, d)
        if date is None:
            participant = next((p for p in page.participants if p.name == d.participant), None)
            act = participant and (participant.consent or participant.signature)
            date = act.date if act else None
        if date is None:
            problems.append(
                f"{d.participant}: its {d.kind} has no date, and the table dates no act of it to date it by."
            )
            continue
        groups[(d.participant, d.kind, date)].append(d)
    for (name, kind, date), group in groups.items():
        texts = [d.text for d in group]
        value = ""
        if kind == TERRITORIAL_APPLICATION and territorial_value is not None:
            value = territorial_value(" ".join(_one_line(t) for t in dict.fromkeys(texts)))
        events.append(
            PageEvent(
                name,
                places[name],
                kind,
                date,
                value=value,
                note=statement_note(texts),
                notes=tuple(dict.fromkeys(n for d in group for n in d.notes)),
            )
        )
    return events, problems


def event_rows(
    page: StatusPage,
    events: Iterable[PageEvent],
    *,
    treaty_slug: str,
    reference: str,
    url: str,
    acting: Callable[[str, datetime.date], str] = lambda iso3, date: iso3,
) -> list[dict[str, str]]:
    """Rows of the event CSV (`exports.EVENT_HEADER`), each with the page and its end notes as source.

    `acting(iso3, date)` names the State that existed on the date: the UNTC lists Serbia for the
    accession Serbia and Montenegro deposited in 2003.
    """
    notes = page.notes
    rows = []
    for event in events:
        cited = [notes[n] for n in event.notes if n in notes]
        rows.append(
            {
                "iso3": acting(event.iso3, event.date),
                "treaty": treaty_slug,
                "kind": event.kind,
                "value": event.value,
                "date": event.date.isoformat(),
                "effective_date": _iso(event.effective_date),
                "end_date": "",
                "source": depositary_source(
                    reference=reference, status_as_at=page.header.status_as_at, url=url, notes=cited
                ),
                "note": event.note,
            }
        )
    return rows


def acting_state_resolver() -> Callable[[str, datetime.date], str]:
    """iso3 and date → the iso3 of the State that made the act then: the State itself if it existed,
    else the nearest State it continues that did (Serbia → Serbia and Montenegro → Yugoslavia)."""
    from countries.models import Country
    from countries.selectors import country_lineage_map

    countries = {c.pk: c for c in Country.objects.only("pk", "iso3", "valid_from", "valid_until")}
    by_iso3 = {c.iso3: c for c in countries.values()}
    lineage = country_lineage_map()

    def acting(iso3: str, date: datetime.date) -> str:
        country = by_iso3.get(iso3)
        if country is None:
            return iso3
        for candidate in (country.pk, *lineage.get(country.pk, ())):
            if countries[candidate].exists_on(date):
                return countries[candidate].iso3
        return iso3

    return acting


@dataclass(frozen=True)
class RecordedEvent:
    """What the record holds for an act the page also states: kept where the page says nothing."""

    source: str
    note: str
    effective_date: datetime.date | None
    value: str = ""


def keep_recorded(
    rows: list[dict[str, str]], recorded: Mapping[tuple[str, str, str], RecordedEvent]
) -> list[dict[str, str]]:
    """The rows, where an act with the same identity (iso3, kind, ISO date) is recorded, with what the
    page does not state kept as recorded: its source, note and value (the record may cite richer
    sources than the page: Ottawa's research notes), and its effective date where the page gives none
    (a succession dated from independence). The note of a declaration, reservation, objection or
    territorial application is the depositary's text: the page's wins, unless the recorded text
    says the same in other spacing."""
    kept = []
    for row in rows:
        before = recorded.get((row["iso3"], row["kind"], row["date"]))
        if before is not None:
            row = dict(row)
            row["source"] = before.source
            if row["kind"] not in TEXT_KINDS or _one_line(before.note) == _one_line(row["note"]):
                # The page states neither the value of an act nor, for the same text, a better
                # summary of its territories than staff may have written.
                row["note"], row["value"] = before.note, before.value
            if not row["effective_date"] and before.effective_date:
                row["effective_date"] = before.effective_date.isoformat()
        kept.append(row)
    return kept


def recorded_events(treaty) -> dict[tuple[str, str, str], RecordedEvent]:
    """The treaty's active events by identity (iso3, kind, ISO date): one query."""
    from treaties.models import StatusEvent

    found = StatusEvent.objects.filter(treaty=treaty).values_list(
        "country__iso3", "kind", "date", "source", "note", "effective_date", "value"
    )
    return {
        (iso3, kind, date.isoformat()): RecordedEvent(source, note, effective, value)
        for iso3, kind, date, source, note, effective, value in found
    }


def event_csv(rows: Iterable[Mapping[str, str]], header: Iterable[str]) -> bytes:
    """Rows as the bytes of an event CSV file, for the import's own reader."""
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
