"""The depositary's declarations, reservations, objections and territorial applications as events.

Kept apart from the participant tables (`tables.py`) because their dates and values are derived
(an undated statement takes the date of the act it was made with; a territorial application's
value is read from its words).
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Mapping

from django.core.management.base import CommandError

from countries.models import Country
from countries.reference import parse_date
from treaties.choices import STATEMENT_KINDS, VALUE_MAX_LENGTH, EventKind
from treaties.depositary import statement_note
from treaties.models import StatusEvent, Treaty
from treaties.reference.tables import Endnote, _acting_state, _depositary_source, _with_notes, note_numbers

# What a territorial application says, as the depositary words it: the first pattern that matches names the
# territories and whether the treaty is extended to them, excluded from them, or limited to them.
_NAMES = r"(?:the\s+)?(?P<names>[^.;,“”\"]+?)(?=\s+(?:until|unless|for whose)\b|[.;,“”\"]|$)"
_TERRITORIAL_PATTERNS = (
    # The UK, 2001: "Extension to the following territories … is responsible: Anguilla, Bermuda …".
    ("extension", re.compile(r"territories[^:]*?responsible:\s*(?P<names>.+?)(?=\.\s+On \d|\.?$)", re.I)),
    # Denmark: "the Convention shall not apply to the Faroe Islands"; New Zealand: "shall not extend to Tokelau".
    ("exclusion", re.compile(r"(?:shall|will|does)\s+not\s+(?:apply|extend)\s+to\s+" + _NAMES, re.I)),
    # The Netherlands, 2014: "the Territorial Application in respect of the Caribbean part of The Netherlands (…)".
    ("extension", re.compile(r"territorial application (?:to|in respect of)\s+(?:the\s+)?(?P<names>[^.;]+)", re.I)),
    # The UK, 2002: "Extension to the Bailiwick of Guernsey, Bailiwick of Jersey and the Isle of Man".
    ("extension", re.compile(r"extension to\s+(?:the\s+)?(?P<names>[^.;]+)", re.I)),
    # "be extended to the territory of the Isle of Man", "will apply to Curaçao", "applies to the Hong Kong …".
    ("extension", re.compile(r"(?:extended|extend|apply|applies)\s+to\s+(?:the\s+territory\s+of\s+)?" + _NAMES, re.I)),
    # The Netherlands' consent "For the Kingdom in Europe", "On behalf of the Kingdom in Europe".
    ("limited to", re.compile(r"^(?:on behalf of|for)\s+(?:the\s+)?(?P<names>[^.;]+)", re.I)),
)


def territorial_value(text: str) -> str:
    """The value of a territorial application: "extension: …", "exclusion: …" or "limited to: …" and the
    territories named, as far as a short value holds them (the full text stays in the note).

    "Until further notice, the Convention shall not apply to the Faroe Islands" gives
    "exclusion: Faroe Islands"; the UK's 2001 notice "extension: Anguilla, Bermuda …".
    """
    flat = " ".join(text.split())
    direction, names = "extension", flat
    for kind, pattern in _TERRITORIAL_PATTERNS:
        if match := pattern.search(flat):
            direction, names = kind, match["names"]
            break
    names = re.sub(r"^the\s+", "", names.strip(" .;:,…"), flags=re.IGNORECASE)
    value = f"{direction}: {names}"
    if len(value) > VALUE_MAX_LENGTH:
        cut = value[: VALUE_MAX_LENGTH - 1]
        head = len(direction) + 2
        value = cut[: cut.rfind(",")] if "," in cut[head:] else cut[: cut.rfind(" ")]
        value = value.rstrip(" ,;") + "…"
    return value


def _statement_date(row: dict[str, str], acts: Mapping[str, datetime.date]) -> datetime.date | None:
    """The date of a declaration: the one the depositary prints (the reader dates one made upon signature
    by the signature), else that of the State's act it was made with: its consent, else its signature."""
    if row["date"].strip():
        return parse_date(row["date"].strip())
    return acts.get("consent") or acts.get("signature")


def declaration_events(
    treaty: Treaty,
    rows: list[dict[str, str]],
    participants: list[dict[str, str]],
    *,
    lineage: dict[int, tuple[int, ...]],
    endnotes: Mapping[str, Endnote] | None = None,
) -> list[StatusEvent]:
    """Turn a depositary page's declarations, reservations, objections and territorial applications
    (`<slug>_declarations.csv`: iso3,country,kind,date,text,notes) into events with their text in `note`,
    their source citing the end notes they come from (`notes`) with their C.N. numbers.

    An undated one was made with the State's act (its consent, else its signature). Several of one
    kind made by a State on one day are one event, their texts in the depositary's order.
    """
    countries = {c.iso3: c for c in Country.objects.all()}
    by_id = {c.pk: c for c in countries.values()}
    acts: dict[str, dict[str, datetime.date]] = defaultdict(dict)
    for row in participants:
        if row["signature_date"]:
            acts[row["iso3"]]["signature"] = parse_date(row["signature_date"])
        if row["consent_date"]:
            acts[row["iso3"]]["consent"] = parse_date(row["consent_date"])
    merged: dict[tuple, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        kind = row["kind"].strip()
        if kind not in STATEMENT_KINDS | {EventKind.TERRITORIAL_APPLICATION}:
            raise CommandError(f"{row['iso3']} ({row['country']}): unknown kind {kind!r} in the declarations file")
        country = countries.get(row["iso3"])
        if country is None:
            raise CommandError(f"{row['iso3']} ({row['country']}) is not a known country code")
        date = _statement_date(row, acts.get(row["iso3"], {}))
        if date is None:
            raise CommandError(
                f"{country} ({treaty.slug}): an undated {kind} and no signature or consent to date it by"
            )
        merged[(country.iso3, kind, date)].append(row)
    events = []
    for (iso3, kind, date), group in merged.items():
        country = countries[iso3]
        note = statement_note(r["text"] for r in group)
        numbers = list(dict.fromkeys(n for r in group for n in note_numbers(r.get("notes", ""))))
        events.append(
            StatusEvent(
                treaty=treaty,
                country=_acting_state(country, date, by_id, lineage),
                kind=kind,
                value=territorial_value(note) if kind == EventKind.TERRITORIAL_APPLICATION else "",
                date=date,
                source=_with_notes(_depositary_source(treaty), numbers, endnotes or {}),
                note=note,
            )
        )
    return events
