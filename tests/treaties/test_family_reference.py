"""The treaty family as shipped (issue 11, points 2 and 6): nine treaties loaded by load_reference_data from the
data files the reader of the depositary's pages wrote, checked against the depositary's own pages.

Nothing is skipped: a missing data file or page fails the test that needs it.
"""

import calendar
import csv
import datetime
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError

from countries.reference import DATA_DIR
from countries.selectors import country_lineage_map
from treaties.choices import CountBasis, EventKind, LegalStatus
from treaties.depositary import depositary_source, read_status_page
from treaties.models import StatusEvent, Treaty
from treaties.reference import depositary_events, read_endnotes, reference_treaties_apply, treaties_in_load_order
from treaties.selectors import treaty_status_rows

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
# The day the depositary's pages were read ("STATUS AS AT : 03-02-2026").
AS_AT = D("2026-02-03")
FAMILY = ["ottawa", "ccm", "att", "tpnw", "ccw", "ccw-p2a", "ccw-p4", "ccw-p5", "ccw-art1"]
PROTOCOLS = {"ccw-p2a", "ccw-p4", "ccw-p5", "ccw-art1"}
# Amended Protocol II: the depositary's date is not six months after the 20th notification its table lists
# (see test_amended_protocol_ii_entered_into_force_later_than_its_table_gives).
RULE_GIVES_THE_DEPOSITARY_DATE = [slug for slug in FAMILY if slug != "ccw-p2a"]


def shipped(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def treaty_rows() -> dict[str, dict[str, str]]:
    return {row["slug"]: row for row in shipped("treaties.csv")}


def page_of(slug: str) -> Path:
    return DATA_DIR / "sources" / ("untc_xxvi5_2026-02-03.html" if slug == "ottawa" else f"untc/{slug}.html")


_headers: dict[str, object] = {}


def header_of(slug: str):
    """The depositary's page header, as the reader reads it (once per page)."""
    if slug not in _headers:
        _headers[slug] = read_status_page(page_of(slug).read_text(encoding="utf-8"), origin=slug).header
    return _headers[slug]


def later(start: datetime.date, unit: str, count: int) -> datetime.date:
    """The rule's period, written out again here so that the test does not lean on the code it checks."""
    if unit == "days":
        return start + datetime.timedelta(days=count)
    year, month = divmod(start.month - 1 + count, 12)
    year, month = start.year + year, month + 1
    if unit == "month_start":
        return datetime.date(year, month, 1)
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


FORMER = re.compile(r"had signed and ratified the Convention.*? on \d+ \w+ \d{4} and (\d+ \w+ \d{4}), respectively")


def deposits(slug: str) -> list[datetime.date]:
    """Every instrument of consent the page records: the table's, and those of states that no longer exist,
    which only its end notes give (the CCW: the former Yugoslavia, Czechoslovakia, the GDR)."""
    row = treaty_rows()[slug]
    dates = [D(r["consent_date"]) for r in shipped(row["participants_file"]) if r["consent_date"]]
    for note in shipped(row["endnotes_file"]):
        if match := FORMER.search(" ".join(note["text"].split())):
            dates.append(datetime.datetime.strptime(match[1], "%d %B %Y").date())  # noqa: DTZ007
    return sorted(dates)


@pytest.fixture
def family(reference_data) -> dict[str, Treaty]:
    return {t.slug: t for t in Treaty.objects.select_related("parent")}


# What is shipped -------------------------------------------------------------------------------


def test_the_family_is_shipped_with_its_files_and_protocols_under_their_parent(family):
    assert sorted(family) == sorted(FAMILY)
    rows = treaty_rows()
    for slug in FAMILY:
        for column in ("participants_file", "declarations_file", "endnotes_file"):
            assert rows[slug][column], f"{slug} names no {column}"
            assert (DATA_DIR / rows[slug][column]).is_file(), f"{slug}: {rows[slug][column]} is missing"
        assert page_of(slug).is_file()
    for slug in PROTOCOLS:
        assert family[slug].parent == family["ccw"]
        assert family[slug].pk > family["ccw"].pk  # loaded after its parent
    assert set(family["ccw"].protocols.values_list("slug", flat=True)) == PROTOCOLS
    assert {s for s, t in family.items() if t.provisional_application} == {"ottawa", "ccm", "att"}
    assert not family["att"].withdrawal_armed_conflict_hold and family["ottawa"].withdrawal_armed_conflict_hold
    assert family["tpnw"].signature_closes is None and family["ccw"].signature_closes == D("1982-04-10")


@pytest.mark.parametrize("slug", FAMILY)
def test_the_treaty_dates_are_the_depositary_s(family, slug):
    treaty, header = family[slug], header_of(slug)
    assert treaty.entry_into_force == header.entry_into_force
    assert treaty.adopted == header.adopted
    assert treaty.url == header.url


# Entry into force: the threshold found from the table, and the rule applied to it --------------------


@pytest.mark.parametrize("slug", FAMILY)
def test_the_threshold_is_the_day_of_the_nth_instrument_found_from_the_table(family, slug):
    treaty = family[slug]
    assert treaty.eif_threshold_date == deposits(slug)[treaty.eif_instruments - 1]


@pytest.mark.parametrize("slug", RULE_GIVES_THE_DEPOSITARY_DATE)
def test_the_rule_applied_to_the_threshold_gives_the_depositary_s_entry_into_force(family, slug):
    treaty = family[slug]
    assert (
        later(treaty.eif_threshold_date, treaty.late_eif_unit, treaty.late_eif_count)
        == header_of(slug).entry_into_force
    )


def test_the_ccw_counts_the_instruments_of_states_that_no_longer_exist(family):
    """Without the former Yugoslavia, Czechoslovakia and the GDR (end notes 1, 3, 4) the 20th instrument
    in the table is Australia's (1983-09-29), which would put entry into force in March 1984."""
    table_only = sorted(D(r["consent_date"]) for r in shipped("untc/ccw_participants.csv") if r["consent_date"])
    assert table_only[19] == D("1983-09-29")
    assert family["ccw"].eif_threshold_date == D("1983-06-02")  # Poland, the 20th with the three
    assert later(D("1983-06-02"), "months", 6) == D("1983-12-02") == family["ccw"].entry_into_force


def test_amended_protocol_ii_entered_into_force_later_than_its_table_gives(family):
    """A gap in the depositary's own record, kept visible: the table lists 20 notifications by 1998-04-20
    (Norway), six months after which is 1998-10-20, but the depositary gives 1998-12-03, six months after
    the 21st (Lithuania, 1998-06-03). The protocol's own date is the depositary's; the rule for a State
    that consented after the threshold gives the same dates either way (none consented in between)."""
    treaty = family["ccw-p2a"]
    instruments = deposits("ccw-p2a")
    assert treaty.eif_threshold_date == instruments[19] == D("1998-04-20")
    assert later(instruments[19], "months", 6) == D("1998-10-20") != header_of("ccw-p2a").entry_into_force
    assert later(instruments[20], "months", 6) == D("1998-12-03") == treaty.entry_into_force
    assert not [d for d in instruments if D("1998-04-20") < d < D("1998-06-03")]


@pytest.mark.parametrize("slug", FAMILY)
def test_every_state_enters_into_force_by_its_rule_applied_to_its_deposit(family, slug):
    treaty, row = family[slug], treaty_rows()[slug]
    rows = {r.country.iso3: r.status for r in treaty_status_rows(treaty=treaty, on=AS_AT, count=CountBasis.IN_FORCE)}
    checked = 0
    for participant in shipped(row["participants_file"]):
        if not participant["consent_date"] or participant["iso3"] not in rows:
            continue
        deposit = D(participant["consent_date"])
        stated = participant["stated_entry_into_force"]
        if participant["consent_kind"] == EventKind.SUCCESSION and stated:
            expected = D(stated)  # a succession takes effect from independence (South Sudan)
        elif deposit <= treaty.eif_threshold_date:
            expected = treaty.entry_into_force
        else:
            expected = max(treaty.entry_into_force, later(deposit, treaty.late_eif_unit, treaty.late_eif_count))
        status = rows[participant["iso3"]]
        assert (participant["iso3"], status.consent_date) == (participant["iso3"], deposit)
        assert (participant["iso3"], status.in_force_date) == (participant["iso3"], expected)
        checked += 1
    assert checked == len({r["iso3"] for r in shipped(row["participants_file"]) if r["consent_date"]})


# The depositary's headline counts, from deposit on the day its pages were read --------------------------


@pytest.mark.parametrize("slug", FAMILY)
def test_signatories_and_parties_on_the_day_of_the_pages_equal_the_depositary_s_header(family, slug):
    rows = treaty_status_rows(treaty=family[slug], on=AS_AT, count=CountBasis.DEPOSIT)
    # Signed, whether or not it consented since; a State that withdrew (in brackets on the page) is not counted.
    signatories = sum(1 for r in rows if r.status.signature_date and r.status.status != LegalStatus.WITHDRAWN)
    parties = sum(1 for r in rows if r.status.is_party)
    header = header_of(slug)
    assert (signatories, parties) == (header.signatories, header.parties)


def test_ottawa_had_132_signatories_and_162_parties(family):
    rows = treaty_status_rows(treaty=family["ottawa"], on=AS_AT, count=CountBasis.DEPOSIT)
    assert sum(1 for r in rows if r.status.signature_date and r.status.status != LegalStatus.WITHDRAWN) == 132
    assert sum(1 for r in rows if r.status.is_party) == 162


# The depositary's words: declarations, territories, provisional application, notifications ------------


def test_the_declarations_of_argentina_canada_and_australia_are_recorded_with_their_text(family):
    declarations = {
        e.country.iso3: e
        for e in StatusEvent.objects.filter(treaty=family["ottawa"], kind=EventKind.DECLARATION).select_related(
            "country"
        )
    }
    assert "in the Malvinas, there are anti-personnel mines" in declarations["ARG"].note
    assert "It is the understanding of the Government of Canada" in declarations["CAN"].note
    assert 'the term "use" means the actual physical emplacement' in declarations["AUS"].note
    # Made with the State's consent: dated by it.
    assert declarations["CAN"].date == D("1997-12-03") and declarations["AUS"].date == D("1999-01-14")
    for event in declarations.values():
        assert event.source.startswith("UN Treaty Collection, UNTC MTDSG XXVI-5, status as at 2026-02-03: https://")


def test_a_declaration_made_upon_signature_is_dated_by_the_signature(family):
    greece = StatusEvent.objects.get(treaty=family["ottawa"], country__iso3="GRC", kind=EventKind.DECLARATION)
    assert greece.date == D("1997-12-03") and "Upon signature" in greece.note


def test_the_uk_2001_extension_to_its_territories_is_a_territorial_application(family):
    events = StatusEvent.objects.filter(
        treaty=family["ottawa"], country__iso3="GBR", kind=EventKind.TERRITORIAL_APPLICATION
    ).order_by("date")
    assert [e.date for e in events] == [D("2001-12-04"), D("2002-04-03")]
    first, second = events
    assert first.value.startswith("extension: Anguilla, Bermuda") and len(first.value) <= 200
    assert "Turks and Caicos Islands" in first.note  # the full text, where the value is cut short
    assert second.value == "extension: Bailiwick of Guernsey, Bailiwick of Jersey and the Isle of Man"
    assert first.source.endswith("(depositary's note 12)")


def test_denmark_keeps_the_faroe_islands_out_of_the_cluster_munitions_convention(family):
    event = StatusEvent.objects.get(treaty=family["ccm"], country__iso3="DNK", kind=EventKind.TERRITORIAL_APPLICATION)
    assert event.value == "exclusion: Faroe Islands"


def test_sources_cite_the_depositary_s_notes_and_their_notifications(family):
    lithuania = StatusEvent.objects.get(treaty=family["ottawa"], country__iso3="LTU", kind=EventKind.WITHDRAWAL_NOTICE)
    assert lithuania.source.endswith("(depositary's note 4: C.N.362.2025.TREATIES-XXVI-5)")
    mauritius = StatusEvent.objects.get(treaty=family["ottawa"], country__iso3="MUS", kind=EventKind.RATIFICATION)
    assert mauritius.source.endswith("(depositary's note 5: C.N.52.2020.TREATIES-XXVI.5)")


def test_the_loader_cites_several_notes_as_the_reader_of_the_pages_does(family):
    """Ukraine's name carries notes 10 and 11 on the page: the loader and the reader's command write the
    same source, so applying the page again changes nothing."""
    ottawa = family["ottawa"]
    row = next(r for r in shipped("ottawa_participants.csv") if r["iso3"] == "UKR")
    row = {**row, "untc_notes": "10, 11"}
    events = depositary_events(
        ottawa, [row], lineage=country_lineage_map(), endnotes=read_endnotes("untc/ottawa_endnotes.csv")
    )
    page = read_status_page(page_of("ottawa").read_text(encoding="utf-8"))
    expected = depositary_source(
        reference=ottawa.reference, status_as_at=AS_AT, url=ottawa.url, notes=[page.notes[10], page.notes[11]]
    )
    assert {e.source for e in events} == {expected}
    assert expected.endswith(
        "(depositary's note 10: C.N.121.2016.TREATIES-XXVI-5; depositary's note 11: C.N.285.2018.TREATIES-XXVI-5)"
    )


@pytest.mark.parametrize("slug", ["ccm", "att"])
def test_provisional_application_is_recorded_and_puts_the_state_on_board(family, slug):
    table = shipped(treaty_rows()[slug]["participants_file"])
    applied = {r["iso3"]: D(r["provisional_application_date"]) for r in table if r["provisional_application_date"]}
    assert applied
    recorded = dict(
        StatusEvent.objects.filter(treaty=family[slug], kind=EventKind.PROVISIONAL_APPLICATION).values_list(
            "country__iso3", "date"
        )
    )
    assert recorded == applied
    # On the day it began, each such State applies the treaty provisionally, unless it is in force for it already.
    for iso3, since in applied.items():
        rows = {r.country.iso3: r.status for r in treaty_status_rows(treaty=family[slug], on=since, count="in_force")}
        status = rows[iso3]
        if status.status != LegalStatus.STATE_PARTY:
            assert status.provisional_application_date == since and status.on_board


def test_every_consent_to_a_protocol_follows_consent_to_the_ccw(family):
    ccw = {
        r.country.iso3: r.status for r in treaty_status_rows(treaty=family["ccw"], on=AS_AT, count=CountBasis.DEPOSIT)
    }
    for slug in PROTOCOLS:
        for row in treaty_status_rows(treaty=family[slug], on=AS_AT, count=CountBasis.DEPOSIT):
            if row.status.consent_date:
                parent = ccw[row.country.iso3]
                assert parent.consent_date and parent.consent_date <= row.status.consent_date, (slug, row.country)


# The loader: parents first, and a consent to a protocol checked against the parent ----------------------


def _data_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def _rewrite(path: Path, change) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    rows = change(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_parents_load_before_their_protocols_whatever_the_order_of_the_file():
    rows = [{"slug": "p", "parent": "c"}, {"slug": "q", "parent": "p"}, {"slug": "c", "parent": ""}]
    assert [r["slug"] for r in treaties_in_load_order(rows)] == ["c", "p", "q"]
    with pytest.raises(CommandError) as excinfo:
        treaties_in_load_order([{"slug": "a", "parent": "b"}, {"slug": "b", "parent": "a"}])
    assert "each other's parents: a (parent b), b (parent a)" in str(excinfo.value)


def test_a_reload_with_the_protocols_listed_first_writes_nothing(family, tmp_path):
    data = _data_copy(tmp_path)
    _rewrite(data / "treaties.csv", lambda rows: sorted(rows, key=lambda r: not r["parent"]))
    stats = Counter()
    loaded = reference_treaties_apply(force=True, stats=stats, data_dir=data)
    assert loaded.index("treaty:ccw") < loaded.index("treaty:ccw-p2a")
    assert sum(stats.values()) == 0


def test_the_loader_refuses_a_consent_to_a_protocol_without_consent_to_the_ccw(family, tmp_path):
    data = _data_copy(tmp_path)
    # Afghanistan's CCW ratification taken out: its consent to the protocols has no parent left.
    StatusEvent.objects.filter(treaty__slug__in=PROTOCOLS, country__iso3="AFG").delete()
    StatusEvent.objects.filter(treaty__slug="ccw", country__iso3="AFG").delete()
    _rewrite(data / "untc/ccw_participants.csv", lambda rows: [r for r in rows if r["iso3"] != "AFG"])
    with pytest.raises(CommandError) as excinfo:
        reference_treaties_apply(force=True, stats=Counter(), data_dir=data)
    assert "The shipped data of ccw-p2a contradicts the record" in str(excinfo.value)
    assert "Afghanistan has no consent to the CCW on or before 2017-08-09" in str(excinfo.value)
