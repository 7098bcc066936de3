"""A placed page as the shipped data files `data/untc/<slug>_*.csv` that `load_reference_data` loads."""

import csv
import datetime
from collections.abc import Iterable, Mapping
from pathlib import Path

from treaties.depositary.page import TERRITORIAL_APPLICATION, PageDeclaration, StatusPage

# ---------------------------------------------------------------------------------------------
# The page as the project's data files.

PARTICIPANT_COLUMNS = (
    "country",
    "iso3",
    "signature_date",
    "consent_date",
    "consent_kind",
    "withdrawal_notice_date",
    "withdrawal_effective_date",
    "stated_entry_into_force",
    "untc_bracketed",
    "untc_notes",
    "other_sources",
    "research_notes",
    "provisional_application_date",
)
DECLARATION_COLUMNS = ("iso3", "country", "kind", "date", "text", "notes")
END_NOTE_COLUMNS = ("number", "kind", "cn_numbers", "text")


def _iso(date: datetime.date | None) -> str:
    return date.isoformat() if date else ""


def notes_text(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def participant_rows(page: StatusPage, places: Mapping[str, str]) -> list[dict[str, str]]:
    """The participant table in the columns of data/ottawa_participants.csv, plus `provisional_application_date`.

    Only States that made an act the table dates are listed; a withdrawal comes from the
    withdrawal column or the participant's end notes.
    """
    rows = []
    for p in page.participants:
        notice, effective = page.withdrawal_of(p)
        rows.append(
            {
                "country": p.name,
                "iso3": places[p.name],
                "signature_date": _iso(p.signature.date if p.signature else None),
                "consent_date": _iso(p.consent.date if p.consent else None),
                "consent_kind": p.consent.kind if p.consent else "",
                "withdrawal_notice_date": _iso(notice),
                "withdrawal_effective_date": _iso(effective),
                "stated_entry_into_force": "",
                "untc_bracketed": "yes" if p.bracketed else "",
                "untc_notes": notes_text(p.notes),
                "other_sources": "",
                "research_notes": "",
                "provisional_application_date": _iso(
                    p.provisional_application.date if p.provisional_application else None
                ),
            }
        )
    return rows


def declaration_date(page: StatusPage, declaration: PageDeclaration) -> datetime.date | None:
    """The date printed beside the text; for one made upon signature, the signature's date; else None
    (made with the State's consent)."""
    if declaration.date is not None:
        return declaration.date
    if declaration.occasion == "signature":
        try:
            signature = page.participant(declaration.participant).signature
        except KeyError:
            return None
        return signature.date if signature else None
    return None


def page_declarations(page: StatusPage) -> list[PageDeclaration]:
    """The declarations section, then the territorial applications (the section's and the end notes')."""
    return [d for d in page.declarations if d.kind != TERRITORIAL_APPLICATION] + page.territorial_applications()


def declaration_rows(page: StatusPage, places: Mapping[str, str]) -> list[dict[str, str]]:
    return [
        {
            "iso3": places[d.participant],
            "country": d.participant,
            "kind": d.kind,
            "date": _iso(declaration_date(page, d)),
            "text": d.text,
            "notes": notes_text(d.notes),
        }
        for d in page_declarations(page)
    ]


def end_note_rows(page: StatusPage) -> list[dict[str, str]]:
    return [
        {"number": str(n.number), "kind": n.kind, "cn_numbers": " ".join(n.cn_numbers), "text": n.text}
        for n in page.end_notes
    ]


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_data_files(
    page: StatusPage, places: Mapping[str, str], *, slug: str, data_dir: Path, participants: bool = True
) -> list[Path]:
    """Write data_dir/untc/<slug>_participants.csv (unless `participants` is False, as for Ottawa,
    whose richer file stays), <slug>_declarations.csv and <slug>_endnotes.csv; the paths written."""
    folder = data_dir / "untc"
    written = []
    if participants:
        path = folder / f"{slug}_participants.csv"
        _write_csv(path, PARTICIPANT_COLUMNS, participant_rows(page, places))
        written.append(path)
    path = folder / f"{slug}_declarations.csv"
    _write_csv(path, DECLARATION_COLUMNS, declaration_rows(page, places))
    written.append(path)
    path = folder / f"{slug}_endnotes.csv"
    _write_csv(path, END_NOTE_COLUMNS, end_note_rows(page))
    written.append(path)
    return written
