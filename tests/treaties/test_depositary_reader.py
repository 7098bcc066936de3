"""The reader of the depositary's status pages (treaties/depositary/) and its command, on the nine real pages.

The pages are the UN Treaty Collection's as they stood on 2026-02-03, kept in data/sources/.
"""

import csv
import datetime
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from countries.reference import DATA_DIR
from treaties import depositary
from treaties.choices import CountBasis, EventKind, LegalStatus
from treaties.depositary import (
    DepositaryPageError,
    UnplacedNamesError,
    country_resolver,
    place_names,
    read_status_page,
)
from treaties.models import StatusEvent, Treaty
from treaties.selectors import treaty_status_rows

D = datetime.date.fromisoformat
AS_AT = D("2026-02-03")
SOURCES = DATA_DIR / "sources"
PAGE_FILES = {
    "ottawa": SOURCES / "untc_xxvi5_2026-02-03.html",
    **{
        slug: SOURCES / "untc" / f"{slug}.html"
        for slug in ("ccm", "att", "tpnw", "ccw", "ccw-p4", "ccw-p2a", "ccw-art1", "ccw-p5")
    },
}
# What each page's header prints: reference, adoption, entry into force, "Signatories : N. Parties : M"
# (the CCW's protocols and amendment print no signatories: no State signs them).
HEADERS = {
    "ottawa": ("XXVI-5", "1997-09-18", "Oslo", "1999-03-01", 132, 162),
    "ccm": ("XXVI-6", "2008-05-30", "Dublin", "2010-08-01", 107, 112),
    "att": ("XXVI-8", "2013-04-02", "New York", "2014-12-24", 130, 117),
    "tpnw": ("XXVI-9", "2017-07-07", "New York", "2021-01-22", 95, 74),
    "ccw": ("XXVI-2", "1980-10-10", "Geneva", "1983-12-02", 50, 128),
    "ccw-p4": ("XXVI-2-a", "1995-10-13", "Vienna", "1998-07-30", 0, 111),
    "ccw-p2a": ("XXVI-2-b", "1996-05-03", "Geneva", "1998-12-03", 0, 107),
    "ccw-art1": ("XXVI-2-c", "2001-12-21", "Geneva", "2004-05-18", 0, 90),
    "ccw-p5": ("XXVI-2-d", "2003-11-28", "Geneva", "2006-11-12", 0, 99),
}
_PAGES: dict[str, depositary.StatusPage] = {}


def page(slug: str) -> depositary.StatusPage:
    """Each page read once for the whole module: reading is pure."""
    if slug not in _PAGES:
        path = PAGE_FILES[slug]
        _PAGES[slug] = read_status_page(path.read_text(encoding="utf-8"), origin=str(path))
    return _PAGES[slug]


def declarations_of(slug: str, name: str) -> list[depositary.PageDeclaration]:
    return [d for d in page(slug).declarations if d.participant == name]


# ---- the header and the table ------------------------------------------------------------------


@pytest.mark.parametrize("slug", list(HEADERS))
def test_header_is_read(slug):
    reference, adopted, place, in_force, signatories, parties = HEADERS[slug]
    header = page(slug).header
    assert header.reference == reference
    assert header.adopted == D(adopted)
    assert header.adopted_place == place
    assert header.entry_into_force == D(in_force)
    assert (header.signatories, header.parties) == (signatories, parties)
    assert header.signatories_printed is (signatories > 0)
    assert header.status_as_at == AS_AT
    assert header.url.endswith(f"mtdsg_no={reference}&chapter=26")


@pytest.mark.parametrize("slug", list(HEADERS))
def test_signatures_not_in_brackets_are_the_signatories(slug):
    """The issue's definition: the States that signed, whether or not they later consented; a withdrawn
    State, printed in brackets, is not counted."""
    participants = page(slug).participants
    signed = [p for p in participants if p.signature is not None and not p.bracketed]
    assert len(signed) == page(slug).header.signatories == HEADERS[slug][4]


@pytest.mark.parametrize("slug", list(HEADERS))
def test_consents_not_in_brackets_are_the_parties(slug):
    """The depositary counts a State as a party from its deposit: every consent not withdrawn."""
    participants = page(slug).participants
    consented = [p for p in participants if p.consent is not None and not p.bracketed]
    assert len(consented) == page(slug).header.parties == HEADERS[slug][5]


def test_bracketed_entries_are_the_withdrawn_states_with_their_notes():
    ottawa = page("ottawa")
    bracketed = {p.name for p in ottawa.participants if p.bracketed}
    assert bracketed == {"Estonia", "Finland", "Latvia", "Lithuania"}
    # Poland's withdrawal takes effect on 2026-02-20: not yet in brackets on 2026-02-03.
    poland = ottawa.participant("Poland")
    assert not poland.bracketed
    assert poland.notes == (8,)
    assert ottawa.withdrawal_of(poland) == (D("2025-08-20"), D("2026-02-20"))
    assert ottawa.withdrawal_of(ottawa.participant("Finland")) == (D("2025-07-10"), D("2026-01-10"))
    assert ottawa.participant("Ukraine").notes == (10, 11)


def test_marks_give_the_kind_of_each_act():
    ottawa = page("ottawa")
    assert ottawa.participant("Afghanistan").consent == depositary.PageAct(D("2002-09-11"), "a", "accession")
    assert ottawa.participant("Montenegro").consent.kind == "succession"
    assert ottawa.participant("Albania").consent.kind == "ratification"  # no mark
    assert ottawa.participant("Albania").signature.date == D("1998-09-08")
    # "Consent to be bound" (P) to a CCW protocol is recorded as an accession.
    p2a = page("ccw-p2a")
    assert {p.consent.mark for p in p2a.participants} == {"P"}
    assert {p.consent.kind for p in p2a.participants} == {depositary.CONSENT_TO_BE_BOUND_KIND} == {"accession"}
    assert page("ccw-p4").participant("Montenegro").consent.kind == "succession"


def test_column_headings_say_which_column_is_which():
    att = page("att")
    assert [c.role for c in att.columns] == ["participant", "signature", "provisional_application", "consent"]
    assert att.columns[3].marks == {"AA": "approval", "A": "acceptance", "a": "accession", "": "ratification"}
    assert [c.role for c in page("ccw-p5").columns] == ["participant", "consent"]
    belize = page("ccm").participant("Belize")
    assert belize.provisional_application == depositary.PageAct(D("2014-09-02"), "n", "provisional_application")
    assert belize.consent.kind == "accession"
    assert sum(1 for p in att.participants if p.provisional_application) == 22


def test_an_unknown_heading_is_refused_with_its_words():
    with pytest.raises(DepositaryPageError, match="Definitive signature"):
        depositary.read_column_heading("Ratification, Definitive signature(s)")


def minimal_page(headings: list[str], rows: list[list[str]]) -> str:
    """The least a status page needs, with the depositary's ids: a newer page may add columns."""
    prefix = "ctl00_ctl00_ContentPlaceHolder1_ContentPlaceHolderInnerPage_"
    cells = "".join("<tr>" + "".join(f"<td>{cell}<br></td>" for cell in row) + "</tr>" for row in [headings, *rows])
    return (
        f'<div id="{prefix}div3">STATUS AS AT : 01-03-2027 10:00:00 EDT</div>'
        f'<div id="{prefix}rptHead_ctl00_tcHead">CHAPTER XXVI</div>'
        f'<div id="{prefix}rptTreaty_ctl00_tcTreaty">10. A Treaty</div>'
        f'<div id="{prefix}rptTreaty_ctl00_tcText">Geneva, 1 March 2025</div>'
        f'<div id="{prefix}rptEIF_ctl00_tcText">&nbsp;</div>'
        f'<div id="{prefix}rptStatus_ctl00_tcText">Signatories : 1. Parties : 0</div>'
        f'<table id="{prefix}tblgrid">{cells}</table>'
    )


def test_a_withdrawal_column_and_a_name_in_brackets_are_read():
    html = minimal_page(
        ["Participant", "Signature", "Ratification, Accession(a)", "Withdrawal"],
        [
            ["Ruritania <SUP><A href='#1'>1</A></SUP>", "&nbsp;2 Mar\t 2025", "3 Apr 2025", ""],
            ["[Freedonia]", "", "[ 5 May\t 2025 a]", "[6 Jun 2026]"],
        ],
    )
    status = read_status_page(html)
    assert status.header.reference == "XXVI-10"
    assert status.header.entry_into_force is None  # not yet in force
    assert status.header.status_as_at == D("2027-03-01")
    assert [c.role for c in status.columns] == ["participant", "signature", "consent", "withdrawal"]
    ruritania, freedonia = status.participants
    assert (ruritania.name, ruritania.notes, ruritania.bracketed) == ("Ruritania", (1,), False)
    assert ruritania.consent == depositary.PageAct(D("2025-04-03"), "", "ratification")
    assert (freedonia.name, freedonia.bracketed) == ("Freedonia", True)
    assert freedonia.withdrawal.kind == "withdrawal_notice"
    assert status.withdrawal_of(freedonia) == (D("2026-06-06"), None)
    assert status.declarations == () and status.end_notes == ()


def test_the_ccw_prints_consent_to_its_first_three_protocols():
    (table,) = page("ccw").tables
    assert table.headings == ("Participant", "Protocol I", "Protocol II", "Protocol III")
    assert "Protocols I, II, and III" in table.caption
    assert ("Afghanistan", "x", "", "x") in table.rows


def test_names_are_printed_without_their_footnote_numbers():
    names = [p.name for p in page("ottawa").participants]
    assert "United Kingdom of Great Britain and Northern Ireland" in names
    assert "Netherlands (Kingdom of the)" in names
    assert not any(name[-1].isdigit() for name in names)


# ---- declarations, reservations, objections ----------------------------------------------------


def test_argentina_canada_and_australia_declarations_in_ottawa():
    (argentina,) = declarations_of("ottawa", "Argentina")
    (canada,) = declarations_of("ottawa", "Canada")
    (australia,) = declarations_of("ottawa", "Australia")
    assert {d.kind for d in (argentina, canada, australia)} == {"declaration"}
    assert "in the Malvinas, there are anti-personnel mines" in argentina.text
    assert canada.text.startswith("Understanding:\n")
    assert "the mere participation by the Canadian Forces" in canada.text
    assert "the Australian Defence Force" in australia.text
    # Made with the State's consent: no date printed.
    assert (argentina.date, argentina.occasion) == (None, "consent")
    assert "  " not in canada.text and "\xa0" not in canada.text


def test_a_declaration_upon_signature_is_dated_with_the_signature():
    ottawa = page("ottawa")
    (greece,) = declarations_of("ottawa", "Greece")
    assert greece.occasion == "signature"
    assert greece.text.startswith("Upon signature:\nDeclaration:\n")
    assert depositary.declaration_date(ottawa, greece) == D("1997-12-03")


def test_ottawa_article_18_declarations_are_recorded_with_the_section_heading():
    (austria,) = declarations_of("ottawa", "Austria")
    assert austria.kind == "declaration"
    assert "article 18 (1)" in austria.text and "provisional application" in austria.text


def test_reservations_objections_and_printed_dates():
    canada = declarations_of("ccw-p2a", "Canada")
    assert [(d.kind, d.date) for d in canada] == [
        ("reservation", D("1998-10-19")),
        ("declaration", D("1998-10-19")),
    ]
    assert canada[0].notes == (2,)
    objections = [d for d in page("ccw").declarations if d.kind == "objection"]
    assert len(objections) == 17
    assert {d.date for d in objections} <= {D(f"2010-02-0{n}") for n in range(1, 6)}
    assert any(d.kind == "reservation" for d in declarations_of("ccw", "Türkiye"))
    us = declarations_of("ccw", "United States of America")
    assert [(d.kind, d.occasion) for d in us][:3] == [
        ("declaration", "signature"),
        ("reservation", "consent"),
        ("declaration", "consent"),
    ]


def test_a_declaration_printed_only_as_a_note_takes_the_note_text():
    (latvia,) = declarations_of("ccw-p2a", "Latvia")
    assert latvia.notes == (3,)
    assert "ceased to have effect on 19 July 2007" in latvia.text


# ---- end notes and territorial application ---------------------------------------------------


def test_end_notes_with_their_cn_numbers_and_kinds():
    notes = page("ottawa").notes
    assert len(notes) == 12
    assert notes[1].cn_numbers == ("C.N.360.2025.TREATIES-XXVI-5",)
    assert notes[5].cn_numbers == ("C.N.52.2020.TREATIES-XXVI.5",)
    assert {n: notes[n].kind for n in notes} == {
        1: "withdrawal",
        2: "withdrawal",
        3: "withdrawal",
        4: "withdrawal",
        5: "communication",
        6: "other",
        7: "territorial_application",
        8: "withdrawal",
        9: "other",
        10: "communication",
        11: "communication",
        12: "territorial_application",
    }
    ccm = page("ccm").notes
    assert ccm[3].kind == "withdrawal"  # Lithuania, after its provisional application
    assert ccm[3].withdrawal_dates == (D("2024-09-06"), D("2025-03-06"))
    assert ccm[1].kind == "provisional_application"
    assert ccm[4].cn_numbers == ("C.N.286.2022.TREATIES-XXVI-6",)


def test_uk_2001_extension_is_a_territorial_application_in_ottawa():
    ottawa = page("ottawa")
    uk = [t for t in ottawa.territorial_applications() if t.participant.startswith("United Kingdom")]
    assert [t.date for t in uk] == [D("2001-12-04"), D("2002-04-03")]
    assert "Anguilla" in uk[0].text and "Turks and Caicos Islands" in uk[0].text
    assert "Isle of Man" in uk[1].text
    assert {t.kind for t in uk} == {"territorial_application"}
    assert uk[0].notes == (12,)


def test_territorial_applications_from_notes_and_from_declarations():
    denmark = [t for t in page("att").territorial_applications() if t.participant == "Denmark"]
    assert len(denmark) == 1 and "Faroe Islands and Greenland" in denmark[0].text
    assert denmark[0].date is None  # made with its approval
    (china,) = declarations_of("att", "China")
    assert china.kind == "territorial_application"
    netherlands = [t for t in page("ccm").territorial_applications() if t.participant.startswith("Netherlands")]
    assert [t.date for t in netherlands] == [None, D("2022-09-20")]


# ---- malformed pages ---------------------------------------------------------------------------


def test_a_page_that_is_not_a_status_page_says_what_is_missing():
    with pytest.raises(DepositaryPageError) as caught:
        read_status_page("<html><body><p>Nothing here</p></body></html>", origin="empty.html")
    message = str(caught.value)
    assert "empty.html" in message
    assert "STATUS AS AT" in message
    assert "Parties : N" in message
    assert "participant table" in message


def test_a_mark_the_headings_do_not_explain_is_an_error():
    html = PAGE_FILES["ottawa"].read_text(encoding="utf-8").replace("11 Sep\t 2002 a<br>", "11 Sep\t 2002 x<br>", 1)
    with pytest.raises(DepositaryPageError, match=r"Afghanistan.*the mark 'x'"):
        read_status_page(html)


def test_a_row_with_a_missing_cell_is_an_error():
    html = PAGE_FILES["ottawa"].read_text(encoding="utf-8")
    html = html.replace("<td>11 Sep\t 2002 a<br></td>", "", 1)
    with pytest.raises(DepositaryPageError, match="has 2 cells where the headings name 3"):
        read_status_page(html)


# ---- names ---------------------------------------------------------------------------------------


def test_names_the_resolver_cannot_place_are_listed_together():
    known = depositary.names_resolver([("Afghanistan", "AFG")])
    with pytest.raises(UnplacedNamesError) as caught:
        place_names(page("tpnw"), known)
    error = caught.value
    assert "Afghanistan" not in error.names
    assert {"Algeria", "New Zealand", "Holy See"} <= set(error.names)
    assert len(error.names) == len(page("tpnw").names())  # every one, not the first
    assert "tpnw.html" in str(error)


@pytest.mark.django_db
def test_country_resolver_places_the_depositary_spellings(reference_data):
    resolve = country_resolver()
    spellings = {
        "Bolivia (Plurinational State of)": "BOL",
        "Türkiye": "TUR",
        "Czech Republic": "CZE",
        "Czechia": "CZE",
        "State of Palestine": "PSE",
        "Holy See": "VAT",
        "Niue": "NIU",
        "Cook Islands": "COK",
        "St. Lucia": "LCA",
        "Netherlands (Kingdom of the)": "NLD",
        "Republic of Korea": "KOR",
        "Democratic People's Republic of Korea": "PRK",
        "Lao People's Democratic Republic": "LAO",
        "Côte d'Ivoire": "CIV",
        "Congo": "COG",
        "Democratic Republic of the Congo": "COD",
        "Viet Nam": "VNM",
    }
    assert {name: resolve(name) for name in spellings} == spellings
    assert resolve("Atlantis") is None


@pytest.mark.django_db
def test_country_resolver_reads_the_table_in_two_queries(reference_data, django_assert_num_queries):
    with django_assert_num_queries(2):  # the countries, and their former names
        resolve = country_resolver()
    with django_assert_num_queries(0):
        assert [
            resolve(n) for n in ("Dahomey", "Zaire (Republic of)", "Lao People's Democratic Republic", "Atlantis")
        ] == ["BEN", "COD", "LAO", None]


@pytest.mark.django_db
def test_every_name_on_the_nine_pages_is_placed(reference_data):
    resolve = country_resolver()
    for slug in HEADERS:
        places = place_names(page(slug), resolve)
        assert len(places) == len(page(slug).names())
        assert len(set(places.values())) == len(places), slug  # no two names on one country


@pytest.mark.django_db
def test_ottawa_names_place_as_the_curated_file_does(reference_data):
    places = place_names(page("ottawa"), country_resolver())
    with open(DATA_DIR / "ottawa_participants.csv", encoding="utf-8") as f:
        curated = {row["country"]: row["iso3"] for row in csv.DictReader(f)}
    assert {name: places[name] for name in curated} == curated


# ---- the shipped data files ----------------------------------------------------------------------


def test_participant_file_columns_are_ottawas_and_provisional_application():
    with open(DATA_DIR / "ottawa_participants.csv", encoding="utf-8") as f:
        ottawa_columns = next(csv.reader(f))
    assert list(depositary.PARTICIPANT_COLUMNS) == [*ottawa_columns, "provisional_application_date"]
    for slug in HEADERS:
        if slug == "ottawa":
            continue
        with open(DATA_DIR / "untc" / f"{slug}_participants.csv", encoding="utf-8") as f:
            assert next(csv.reader(f)) == list(depositary.PARTICIPANT_COLUMNS)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", list(HEADERS))
def test_shipped_files_are_what_the_reader_writes(reference_data, tmp_path, slug):
    """data/untc/ is generated: reading the kept page again writes the same bytes."""
    places = place_names(page(slug), country_resolver())
    written = depositary.write_data_files(
        page(slug), places, slug=slug, data_dir=tmp_path, participants=slug != "ottawa"
    )
    assert {p.name for p in written} == {f"{slug}_{kind}.csv" for kind in ("declarations", "endnotes")} | (
        set() if slug == "ottawa" else {f"{slug}_participants.csv"}
    )
    for path in written:
        assert path.read_bytes() == (DATA_DIR / "untc" / path.name).read_bytes(), path.name


def test_shipped_participant_files_keep_the_header_counts():
    for slug, (_ref, _adopted, _place, _eif, signatories, parties) in HEADERS.items():
        if slug == "ottawa":
            continue
        with open(DATA_DIR / "untc" / f"{slug}_participants.csv", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        current = [r for r in rows if r["untc_bracketed"] != "yes"]
        assert sum(1 for r in current if r["signature_date"]) == signatories, slug
        assert sum(1 for r in current if r["consent_date"]) == parties, slug


def test_shipped_declaration_files_date_what_the_page_dates():
    with open(DATA_DIR / "untc" / "ottawa_declarations.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(depositary.DECLARATION_COLUMNS)
    by_country = {(r["iso3"], r["kind"], r["date"]) for r in rows}
    assert ("GRC", "declaration", "1997-12-03") in by_country  # upon signature
    assert ("ARG", "declaration", "") in by_country  # with its consent
    assert ("GBR", "territorial_application", "2001-12-04") in by_country
    with open(DATA_DIR / "untc" / "ottawa_endnotes.csv", encoding="utf-8") as f:
        notes = {r["number"]: r for r in csv.DictReader(f)}
    assert notes["4"]["cn_numbers"] == "C.N.362.2025.TREATIES-XXVI-5"
    assert notes["4"]["kind"] == "withdrawal"


# ---- the command ---------------------------------------------------------------------------------


def _copy_of_ccm(slug: str) -> Treaty:
    """A treaty staff would create in the admin for the Cluster Munitions page, under another slug."""
    return Treaty.objects.create(
        slug=slug,
        short_name="Cluster copy",
        title="Convention on Cluster Munitions (copy)",
        adopted=D("2008-05-30"),
        opened_for_signature=D("2008-12-03"),
        signature_closes=D("2010-08-01"),
        entry_into_force=D("2010-08-01"),
        eif_instruments=30,
        eif_threshold_date=D("2010-02-16"),
        late_eif_unit="month_start",
        late_eif_count=6,
        withdrawal_unit="months",
        withdrawal_count=6,
        provisional_application=True,
        reference="",
        source="Convention on Cluster Munitions, arts. 15-20.",
    )


def run(*args, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("read_depositary_page", *args, stdout=out, stderr=err, **options)
    except CommandError as exc:
        err.write(f"CommandError: {exc}")
        raise CommandError(err.getvalue()) from exc
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_dry_run_of_the_ccm_page_under_another_slug_changes_nothing(reference_data, tmp_path):
    treaty = _copy_of_ccm("cluster-copy")
    copy = tmp_path / "status.html"
    shutil.copy(PAGE_FILES["ccm"], copy)
    out, err = run(str(copy), treaty="cluster-copy", dry_run=True)
    assert "235 to create, 0 to change, 0 unchanged, 0 errors" in out
    assert "108 signature" in out and "4 provisional_application" in out and "1 withdrawal_notice" in out
    assert err == ""
    assert not StatusEvent.all_objects.filter(treaty=treaty).exists()


@pytest.mark.django_db
def test_applying_the_ccm_page_gives_its_header_counts_and_a_second_run_changes_nothing(
    reference_data, tmp_path, editor
):
    treaty = _copy_of_ccm("cluster-copy")
    copy = tmp_path / "status.html"
    shutil.copy(PAGE_FILES["ccm"], copy)
    out, _err = run(str(copy), treaty="cluster-copy", user=editor.username)
    assert "Applied 235 events: 235 created" in out
    lithuania = StatusEvent.objects.get(treaty=treaty, country__iso3="LTU", kind=EventKind.WITHDRAWAL_NOTICE)
    assert lithuania.date == D("2024-09-06")
    assert lithuania.effective_date is None  # the rule gives the note's 2025-03-06
    assert "C.N.347.2024.TREATIES-XXVI-6" in lithuania.source
    assert lithuania.source.startswith("UN Treaty Collection, UNTC MTDSG XXVI-6, status as at 2026-02-03: https://")
    assert lithuania.history.first().history_user == editor
    holy_see = StatusEvent.objects.get(treaty=treaty, country__iso3="VAT", kind=EventKind.DECLARATION)
    assert "Holy See desires to encourage" in holy_see.note

    rows = treaty_status_rows(treaty=treaty, on=AS_AT, count=CountBasis.DEPOSIT)
    parties = [r for r in rows if r.status.status in (LegalStatus.STATE_PARTY, LegalStatus.WITHDRAWAL_PENDING)]
    signed = [r for r in rows if r.status.signature_date and r.status.status != LegalStatus.WITHDRAWN]
    assert (len(signed), len(parties)) == (107, 112)

    again, _err = run(str(copy), treaty="cluster-copy", dry_run=True)
    assert "0 to create, 0 to change, 235 unchanged, 0 errors" in again


@pytest.mark.django_db
def test_ottawa_page_on_the_loaded_record_keeps_its_richer_sources(reference_data):
    ottawa = Treaty.objects.get(slug="ottawa")
    before = StatusEvent.objects.get(treaty=ottawa, country__iso3="EST", kind=EventKind.WITHDRAWAL_NOTICE)
    out, _err = run(str(PAGE_FILES["ottawa"]), treaty="ottawa", dry_run=True)
    assert "0 to change" in out and "0 errors" in out
    assert StatusEvent.objects.get(pk=before.pk).source == before.source


@pytest.mark.django_db
def test_an_unplaced_name_stops_the_command_naming_it_and_the_file(reference_data, tmp_path):
    _copy_of_ccm("cluster-copy")
    copy = tmp_path / "renamed.html"
    copy.write_text(PAGE_FILES["ccm"].read_text(encoding="utf-8").replace(">Afghanistan<", ">Atlantis<"), "utf-8")
    with pytest.raises(CommandError) as caught:
        run(str(copy), treaty="cluster-copy", dry_run=True)
    assert "Atlantis" in str(caught.value) and "renamed.html" in str(caught.value)


@pytest.mark.django_db
def test_a_malformed_page_stops_the_command(reference_data, tmp_path):
    _copy_of_ccm("cluster-copy")
    copy = tmp_path / "cut.html"
    copy.write_text("<html><body>STATUS AS AT : 03-02-2026</body></html>", "utf-8")
    with pytest.raises(CommandError, match="missing .*participant table"):
        run(str(copy), treaty="cluster-copy", dry_run=True)


@pytest.mark.django_db
def test_errors_name_the_participant_and_nothing_is_written(reference_data, tmp_path, editor):
    treaty = _copy_of_ccm("cluster-copy")
    Treaty.objects.filter(pk=treaty.pk).update(provisional_application=False)
    copy = tmp_path / "status.html"
    shutil.copy(PAGE_FILES["ccm"], copy)
    with pytest.raises(CommandError) as caught:
        run(str(copy), treaty="cluster-copy", user=editor.username)
    message = str(caught.value)
    assert "Norway (NOR), provisional_application 2008-12-03:" in message
    assert "4 errors; nothing was changed" in message
    assert not StatusEvent.all_objects.filter(treaty=treaty).exists()


@pytest.mark.django_db
def test_a_write_needs_a_user(reference_data, tmp_path):
    treaty = _copy_of_ccm("cluster-copy")
    copy = tmp_path / "status.html"
    shutil.copy(PAGE_FILES["ccm"], copy)
    with pytest.raises(CommandError, match="--user USERNAME"):
        run(str(copy), treaty="cluster-copy")
    assert not StatusEvent.all_objects.filter(treaty=treaty).exists()


@pytest.mark.django_db
def test_the_page_of_another_treaty_is_refused(reference_data):
    with pytest.raises(CommandError, match="XXVI-6.*UNTC MTDSG XXVI-5"):
        run(str(PAGE_FILES["ccm"]), treaty="ottawa", dry_run=True)


@pytest.mark.django_db
def test_write_data_writes_the_files_and_keeps_a_copy_of_the_page(reference_data, tmp_path):
    source = tmp_path / "downloads" / "ccm-newer.html"
    source.parent.mkdir()
    shutil.copy(PAGE_FILES["ccm"], source)
    data_dir = tmp_path / "data"
    out, _err = run(str(source), treaty="cluster-copy", write_data=True, data_dir=str(data_dir))
    assert "Wrote 4 files for cluster-copy." in out
    assert (data_dir / "sources" / "untc" / "cluster-copy.html").read_bytes() == PAGE_FILES["ccm"].read_bytes()
    for kind in ("participants", "declarations", "endnotes"):
        written = (data_dir / "untc" / f"cluster-copy_{kind}.csv").read_bytes()
        assert written == (DATA_DIR / "untc" / f"ccm_{kind}.csv").read_bytes()


@pytest.mark.django_db
def test_write_data_keeps_a_participants_file_kept_by_hand(reference_data, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "treaties.csv").write_text("slug,participants_file\nottawa,ottawa_participants.csv\n", "utf-8")
    out, _err = run(str(PAGE_FILES["ottawa"]), treaty="ottawa", write_data=True, data_dir=str(data_dir))
    assert "kept by hand" in out
    assert sorted(p.name for p in (data_dir / "untc").iterdir()) == ["ottawa_declarations.csv", "ottawa_endnotes.csv"]
    # A page from outside the data folder is kept in it, beside the files read from it.
    assert (data_dir / "sources" / "untc" / "ottawa.html").read_bytes() == PAGE_FILES["ottawa"].read_bytes()


@pytest.mark.django_db
def test_write_data_does_not_copy_a_page_already_kept_in_the_data_folder(reference_data, tmp_path):
    data_dir = tmp_path / "data"
    kept = data_dir / "sources" / "untc" / "ccm.html"
    kept.parent.mkdir(parents=True)
    shutil.copy(PAGE_FILES["ccm"], kept)
    out, _err = run(str(kept), treaty="ccm", write_data=True, data_dir=str(data_dir))
    assert "Wrote 3 files for ccm." in out
    assert sorted(p.name for p in kept.parent.iterdir()) == ["ccm.html"]


@pytest.mark.django_db
def test_every_shipped_page_agrees_with_the_loaded_record(reference_data):
    """load_reference_data (the data files) and the command (the page) make the same events: reading a
    shipped page again changes nothing, and creates nothing once the treaty ships its declarations."""
    with open(DATA_DIR / "treaties.csv", encoding="utf-8") as f:
        shipped = [row for row in csv.DictReader(f) if row["slug"] in PAGE_FILES]
    assert "ottawa" in {row["slug"] for row in shipped}
    for row in shipped:
        out, err = run(str(PAGE_FILES[row["slug"]]), treaty=row["slug"], dry_run=True)
        assert " 0 to change, " in out and " 0 errors." in out, (row["slug"], out, err)
        if row.get("declarations_file"):
            assert ": 0 to create, " in out, (row["slug"], out)
