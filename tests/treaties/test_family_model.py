"""The treaty family in the model (issue 11, points 2, 3 and 6): provisional application on board, a
protocol's parent, the depositary's declarations, reservations, objections and territorial applications,
the checks every writer faces, and the event CSV carrying the new kinds."""

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import CountryFactory, StatusEventFactory, TreatyFactory
from treaties import services
from treaties.choices import LEGAL_KINDS, STATUS_KINDS, CountBasis, EventKind, LegalStatus, PeriodUnit
from treaties.imports import status_event_csv_read
from treaties.models import StatusEvent, Treaty
from treaties.reference import Endnote, eif_threshold, former_state_instruments, territorial_value
from treaties.status import Act, TreatyRule, country_status
from treaties.summaries import country_timeline
from treaties.validation import status_event_problems

D = datetime.date.fromisoformat
# The Convention on Cluster Munitions' rules: in force 2010-08-01 after the 30th instrument (2010-02-16);
# a later instrument, the first day of the sixth month after it.
CCM = TreatyRule(entry_into_force=D("2010-08-01"), threshold_date=D("2010-02-16"))


# The rule: provisional application puts a State on board, and changes no legal status --------------


def test_provisional_application_alone_puts_a_state_on_board_without_a_status():
    acts = [Act(EventKind.PROVISIONAL_APPLICATION, D("2011-03-01"))]
    before = country_status(CCM, acts, D("2011-02-28"))
    assert (before.status, before.on_board, before.provisional_application_date) == (
        LegalStatus.NON_SIGNATORY,
        False,
        None,
    )
    after = country_status(CCM, acts, D("2011-03-01"))
    assert (after.status, after.on_board, after.provisional_application_date) == (
        LegalStatus.NON_SIGNATORY,
        True,
        D("2011-03-01"),
    )


def test_provisional_application_lasts_until_the_treaty_is_in_force_for_the_state():
    # Ratified and applied article 1 provisionally on 2011-03-15: in force for it on 2011-09-01.
    acts = [
        Act(EventKind.SIGNATURE, D("2008-12-03")),
        Act(EventKind.RATIFICATION, D("2011-03-15")),
        Act(EventKind.PROVISIONAL_APPLICATION, D("2011-03-15")),
    ]
    pending = country_status(CCM, acts, D("2011-06-01"))
    assert pending.status == LegalStatus.CONSENTED_NOT_IN_FORCE  # what the legal acts say
    assert pending.on_board and pending.provisional_application_date == D("2011-03-15")
    bound = country_status(CCM, acts, D("2011-09-01"))
    assert bound.status == LegalStatus.STATE_PARTY
    assert bound.provisional_application_date is None  # no longer provisional: in force
    # Counted from deposit, the State is a party at once, and still applies the treaty provisionally.
    deposit = country_status(CCM, acts, D("2011-06-01"), CountBasis.DEPOSIT)
    assert deposit.status == LegalStatus.STATE_PARTY and deposit.provisional_application_date == D("2011-03-15")


def test_a_withdrawal_notice_ends_provisional_application():
    acts = [
        Act(EventKind.PROVISIONAL_APPLICATION, D("2011-03-01")),
        Act(EventKind.SIGNATURE, D("2011-03-01")),
        Act(EventKind.WITHDRAWAL_NOTICE, D("2012-01-10")),
    ]
    assert country_status(CCM, acts, D("2011-12-31")).on_board
    leaving = country_status(CCM, acts, D("2012-01-10"))
    assert not leaving.on_board and leaving.provisional_application_date is None


def test_the_timeline_of_the_summaries_sees_provisional_application():
    acts = [Act(EventKind.PROVISIONAL_APPLICATION, D("2011-03-01"))]
    timeline = country_timeline(CCM, acts, CountBasis.IN_FORCE)
    assert (D("2011-03-01"), (LegalStatus.NON_SIGNATORY, True)) in timeline


def test_the_depositary_acts_are_legal_acts_but_only_provisional_application_moves_the_rule():
    for kind in (EventKind.DECLARATION, EventKind.RESERVATION, EventKind.OBJECTION, EventKind.TERRITORIAL_APPLICATION):
        assert kind in LEGAL_KINDS and kind not in STATUS_KINDS
    assert EventKind.PROVISIONAL_APPLICATION in LEGAL_KINDS & STATUS_KINDS
    acts = [
        Act(EventKind.SIGNATURE, D("2008-12-03")),
        Act(EventKind.DECLARATION, D("2008-12-03")),
        Act(EventKind.RESERVATION, D("2009-01-01")),
    ]
    status = country_status(CCM, acts, D("2009-06-01"))
    assert (status.status, status.signature_date) == (LegalStatus.SIGNATORY, D("2008-12-03"))


# The threshold of entry into force, from the table -------------------------------------------------


def test_the_threshold_is_the_day_of_the_nth_instrument():
    deposits = [D("1983-06-07"), D("1982-02-11"), D("1983-06-02"), D("1982-04-07")]
    assert eif_threshold(instruments=3, deposits=deposits) == D("1983-06-02")
    assert eif_threshold(instruments=5, deposits=deposits) is None  # not reached
    assert eif_threshold(instruments=None, deposits=deposits) is None


def test_the_instruments_of_former_states_are_read_from_the_end_notes():
    notes = {
        "4": Endnote(
            "4",
            "other",
            (),
            "The German Democratic Republic had signed and ratified the Convention on 10 April 1981 and "
            "20 July 1982, respectively, accepting all three Protocols.",
        ),
        "5": Endnote("5", "communication", (), "On 30 March 2016, the Government of Ukraine made a communication."),
    }
    assert former_state_instruments(notes) == [D("1982-07-20")]


# Territorial application: the territories, in the value ---------------------------------------------


def test_a_territorial_application_names_what_it_excludes_or_extends_to():
    assert territorial_value("Until further notice, the Convention shall not apply to the Faroe Islands.") == (
        "exclusion: Faroe Islands"
    )
    uk = (
        "On 4 December 2001: Extension to the following territories for whose international relations the "
        "United Kingdom is responsible: Anguilla, Bermuda British Antarctic Territory, British Indian Ocean "
        "Territory, British Virgin Islands, Cayman Islands, Falkland Islands, Monsterrat, Pitcairn, Henderson, "
        "Ducie and Oeno Islands, St. Helena and Dependencies, South Georgia and the South Sandwich Islands, "
        "Sovereign Base Areas of Akrotiri and Dhekelia and Turks and Caicos Islands. On 3 April 2002: Extension "
        "to the Bailiwick of Guernsey, Bailiwick of Jersey and the Isle of Man."
    )
    value = territorial_value(uk)
    assert value.startswith("extension: Anguilla, Bermuda")
    assert len(value) <= 200 and value.endswith("…")
    assert (
        territorial_value(
            "the Government of The Netherlands informed the Secretary-General of the Territorial Application in "
            "respect of the Caribbean part of The Netherlands (Islands of Bonaire, Sint Eustatius and Saba)."
        )
        == "extension: Caribbean part of The Netherlands (Islands of Bonaire, Sint Eustatius and Saba)"
    )


# The checks every writer faces ----------------------------------------------------------------------


@pytest.fixture
def ccw(db) -> Treaty:
    """A convention with the CCW's dates and rules (art. 3: signature for twelve months from 10 April 1981)."""
    return TreatyFactory(
        slug="ccw-test",
        short_name="Weapons Convention",
        adopted=D("1980-10-10"),
        opened_for_signature=D("1981-04-10"),
        signature_closes=D("1982-04-10"),
        entry_into_force=D("1983-12-02"),
        eif_instruments=20,
        eif_threshold_date=D("1983-06-02"),
        late_eif_unit=PeriodUnit.MONTHS,
        late_eif_count=6,
        withdrawal_unit=PeriodUnit.MONTHS,
        withdrawal_count=12,
        withdrawal_armed_conflict_hold=True,
    )


@pytest.fixture
def protocol(ccw) -> Treaty:
    """A protocol annexed to it, joined by notifying consent to be bound: no signature."""
    return TreatyFactory(
        slug="ccw-test-p2a",
        short_name="Mines Protocol",
        parent=ccw,
        adopted=D("1996-05-03"),
        opened_for_signature=None,
        signature_closes=None,
        entry_into_force=D("1998-12-03"),
        eif_instruments=20,
        eif_threshold_date=D("1998-06-03"),
        late_eif_unit=PeriodUnit.MONTHS,
        late_eif_count=6,
        withdrawal_unit=PeriodUnit.MONTHS,
        withdrawal_count=12,
    )


@pytest.fixture
def state(db):
    return CountryFactory(name="Freedonia")


def record(treaty, country, kind, date, **kwargs):
    return services.status_event_record(
        treaty=treaty, country=country, kind=kind, date=D(date), source=kwargs.pop("source", "UNTC"), **kwargs
    )


def refused(treaty, country, kind, date, **kwargs) -> str:
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, kind, date, **kwargs)
    return " ".join(m for ms in excinfo.value.message_dict.values() for m in ms)


def test_consent_to_a_protocol_needs_consent_to_its_parent(protocol, state):
    message = refused(protocol, state, EventKind.ACCESSION, "2000-05-05")
    assert (
        "Freedonia has no consent to the Weapons Convention on or before 2000-05-05: an accession of the "
        "Mines Protocol, annexed to it, needs consent to the Weapons Convention first, or on the same day"
    ) in message
    assert not StatusEvent.objects.filter(treaty=protocol).exists()


def test_consent_to_a_protocol_on_the_day_of_consent_to_the_parent_is_accepted(ccw, protocol, state):
    record(ccw, state, EventKind.ACCESSION, "2000-05-05")
    record(protocol, state, EventKind.ACCESSION, "2000-05-05")
    assert StatusEvent.objects.filter(treaty=protocol, country=state).count() == 1


def test_consent_to_a_protocol_after_leaving_the_parent_is_refused(ccw, protocol, state):
    record(ccw, state, EventKind.ACCESSION, "1995-01-10")
    record(ccw, state, EventKind.WITHDRAWAL_NOTICE, "1999-01-10")  # takes effect 2000-01-10 (art. 9: one year)
    message = refused(protocol, state, EventKind.ACCESSION, "2000-05-05")
    assert "Freedonia had left the Weapons Convention by 2000-05-05 (withdrawal notified on 1999-01-10)" in message


def test_the_state_a_successor_continues_brings_its_consent_to_the_parent(ccw, protocol, state):
    """The check reads the acts of the states it continues, as every other check does (bulk caller's map)."""
    event = StatusEvent(treaty=protocol, country=state, kind=EventKind.ACCESSION, date=D("2000-05-05"), source="UNTC")
    consent = Act(EventKind.ACCESSION, D("1999-01-01"))
    assert status_event_problems(event, others=[], retracted={}, parent_acts={state.pk: [consent]}) == {}
    assert "kind" in status_event_problems(event, others=[], retracted={}, parent_acts={})


def test_a_protocol_joined_by_notification_takes_no_signature(ccw, protocol, state):
    record(ccw, state, EventKind.SIGNATURE, "1981-04-10")
    message = refused(protocol, state, EventKind.SIGNATURE, "1997-01-10")
    assert "The Mines Protocol is not open for signature: a State party to the Weapons Convention notifies" in message


def test_a_signature_on_or_after_the_signature_period_closed_is_refused(ccw, state):
    message = refused(ccw, state, EventKind.SIGNATURE, "1982-04-10")
    assert "closed for signature on 1982-04-10; a signature dated 1982-04-10 comes on or after that" in message
    record(ccw, state, EventKind.SIGNATURE, "1982-04-09")


def test_provisional_application_only_where_the_treaty_allows_it(ccw, state):
    message = refused(ccw, state, EventKind.PROVISIONAL_APPLICATION, "1983-01-10")
    assert "The Weapons Convention does not provide for provisional application" in message
    Treaty.objects.filter(pk=ccw.pk).update(provisional_application=True)
    ccw.refresh_from_db()
    event = record(ccw, state, EventKind.PROVISIONAL_APPLICATION, "1983-01-10")
    assert event.kind == EventKind.PROVISIONAL_APPLICATION
    # Once one is recorded, the treaty cannot say it never allowed it.
    ccw.provisional_application = False
    with pytest.raises(ValidationError) as excinfo:
        ccw.full_clean()
    assert "provisional_application" in excinfo.value.message_dict


@pytest.mark.parametrize("kind", [EventKind.DECLARATION, EventKind.RESERVATION, EventKind.OBJECTION])
def test_a_statement_needs_its_text_in_the_note(ccw, state, kind):
    record(ccw, state, EventKind.SIGNATURE, "1981-04-10")
    message = refused(ccw, state, kind, "1981-04-10", note=" \t")
    assert "is recorded with its text, as the depositary prints it: give the text in the note" in message
    event = record(ccw, state, kind, "1981-04-10", note="Understanding: “use” means emplacement.")
    assert event.note.startswith("Understanding")


def test_a_territorial_application_needs_its_territories_in_the_value(ccw, state):
    message = refused(ccw, state, EventKind.TERRITORIAL_APPLICATION, "1990-01-10")
    assert "A territorial application names the territories it extends the treaty to or excludes" in message
    message = refused(ccw, state, EventKind.TERRITORIAL_APPLICATION, "1990-01-10", value="x" * 201)
    assert "at most 200 characters" in message
    event = record(ccw, state, EventKind.TERRITORIAL_APPLICATION, "1990-01-10", value="exclusion: Faroe Islands")
    assert event.value == "exclusion: Faroe Islands"


def test_an_acceptance_without_a_signature_serves_as_an_accession(ccw, state):
    """The CCW's Chile, "15 Oct 2003 A", never signed: acceptance and approval may stand for accession."""
    record(ccw, state, EventKind.ACCEPTANCE, "2003-10-15")
    other = CountryFactory(name="Sylvania")
    message = refused(ccw, other, EventKind.RATIFICATION, "2003-10-15")
    assert "A ratification follows a signature, and Sylvania has no signature of the Weapons Convention" in message


def test_an_amendment_never_open_for_signature_is_ratified_without_one(ccw, state):
    """The CCW's amended article 1 (art. 8): Hungary's "27 Dec 2002" is a ratification, and nobody signed."""
    amendment = TreatyFactory(
        slug="ccw-test-art1",
        short_name="Article 1 Amendment",
        parent=ccw,
        adopted=D("2001-12-21"),
        opened_for_signature=None,
        entry_into_force=D("2004-05-18"),
        eif_threshold_date=D("2003-11-18"),
    )
    record(ccw, state, EventKind.ACCESSION, "1995-01-10")
    event = record(amendment, state, EventKind.RATIFICATION, "2002-12-27")
    assert event.kind == EventKind.RATIFICATION


def test_a_declaration_does_not_break_the_signature_consent_sequence(ccw, state):
    record(ccw, state, EventKind.DECLARATION, "1981-04-10", note="Upon signature: a declaration.")
    record(ccw, state, EventKind.SIGNATURE, "1981-04-10")
    record(ccw, state, EventKind.RESERVATION, "1983-01-10", note="A reservation with the ratification.")
    record(ccw, state, EventKind.RATIFICATION, "1983-01-10")
    record(ccw, state, EventKind.OBJECTION, "1984-01-10", note="Objection to another State's reservation.")
    record(ccw, state, EventKind.WITHDRAWAL_NOTICE, "2000-01-10")
    assert StatusEvent.objects.filter(country=state).count() == 6


def test_the_database_refuses_a_statement_without_text_and_a_kind_value_it_does_not_take(ccw, state):
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusEventFactory(treaty=ccw, country=state, kind=EventKind.RESERVATION, date=D("1983-01-10"), note="")
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusEventFactory(treaty=ccw, country=state, kind=EventKind.TERRITORIAL_APPLICATION, date=D("1990-01-10"))
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusEventFactory(treaty=ccw, country=state, kind=EventKind.DECLARATION, value="yes", note="Text.")
    StatusEventFactory(
        treaty=ccw,
        country=state,
        kind=EventKind.TERRITORIAL_APPLICATION,
        date=D("1990-01-10"),
        value="extension: Aruba",
    )


def test_a_treaty_is_not_its_own_ancestor(ccw, protocol):
    ccw.parent = protocol
    with pytest.raises(ValidationError) as excinfo:
        ccw.full_clean()
    assert "cannot be the parent of the Weapons Convention: it is annexed to it already" in " ".join(
        excinfo.value.message_dict["parent"]
    )
    assert list(ccw.protocols.all()) == [protocol]


def test_the_database_refuses_a_treaty_that_is_its_own_parent(ccw):
    with pytest.raises(IntegrityError), transaction.atomic():
        Treaty.objects.filter(pk=ccw.pk).update(parent=ccw)


def test_a_parent_with_protocols_cannot_be_deleted(ccw, protocol):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        ccw.delete()


# The event CSV carries the new kinds, both ways ------------------------------------------------------

HEADER = "iso3,treaty,kind,value,date,effective_date,end_date,source,note"


def import_rows(text: str, **kwargs):
    return services.status_event_import(rows=status_event_csv_read(text.encode()), **kwargs)


def export_of(client, iso3: str) -> bytes:
    response = client.get("/events.csv", {"country": iso3})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_new_kinds_import_and_export_back_unchanged(client, ccw, state):
    Treaty.objects.filter(pk=ccw.pk).update(provisional_application=True)
    iso = state.iso3
    lines = [
        HEADER,
        f"{iso},ccw-test,signature,,1981-04-10,,,UNTC XXVI-2,",
        f'{iso},ccw-test,declaration,,1981-04-10,,,UNTC XXVI-2,"Upon signature: ""a quoted"" declaration."',
        f"{iso},ccw-test,ratification,,1983-01-10,,,UNTC XXVI-2,",
        f"{iso},ccw-test,provisional_application,,1983-01-10,,,UNTC XXVI-2,",
        f'{iso},ccw-test,reservation,,1983-01-10,,,UNTC XXVI-2,"Two lines:\nof reservation."',
        f"{iso},ccw-test,objection,,1990-02-01,,,UNTC XXVI-2 (depositary's note 3: C.N.52.2020.TREATIES-XXVI.2),"
        "Objection to the reservation of another State.",
        f'{iso},ccw-test,territorial_application,"exclusion: Faroe Islands, Greenland",1990-01-10,,,UNTC XXVI-2,'
        "Until further notice the Convention shall not apply to the Faroe Islands and Greenland.",
    ]
    result = import_rows("\n".join(lines) + "\n")
    assert result.ok, [str(e) for e in result.errors]
    assert len(result.created) == 7 and result.written
    territorial = StatusEvent.objects.get(country=state, kind=EventKind.TERRITORIAL_APPLICATION)
    assert territorial.value == "exclusion: Faroe Islands, Greenland"
    assert StatusEvent.objects.get(country=state, kind=EventKind.RESERVATION).note == "Two lines:\nof reservation."

    first = export_of(client, iso)
    assert len(list(csv.reader(io.StringIO(first.decode(), newline="")))) == 8  # the header and seven events
    StatusEvent.objects.filter(country=state).delete()
    again = services.status_event_import(rows=status_event_csv_read(first))
    assert again.ok and len(again.created) == 7
    assert export_of(client, iso) == first
    unchanged = services.status_event_import(rows=status_event_csv_read(first))
    assert len(unchanged.unchanged) == 7 and not unchanged.created and not unchanged.changed


def test_a_consent_to_a_protocol_imports_against_the_parent_on_record(ccw, protocol, state):
    iso = state.iso3
    assert import_rows(f"{HEADER}\n{iso},ccw-test,accession,,1996-01-10,,,UNTC XXVI-2,\n").ok
    result = import_rows(f"{HEADER}\n{iso},ccw-test-p2a,accession,,1997-04-30,,,UNTC XXVI-2-b,\n")
    assert result.ok and len(result.created) == 1, [str(e) for e in result.errors]


def test_a_file_with_consents_to_a_protocol_and_its_parent_imports_back(client, ccw, protocol, state):
    """An export of the family imports back into an empty record: the check of a consent to a protocol
    reads the file's consents to the parent (treaties/services/imports.py passes them as `pending`)."""
    iso = state.iso3
    protocol_row = f"{iso},ccw-test-p2a,accession,,1997-04-30,,,UNTC XXVI-2-b,"
    text = f"{HEADER}\n{protocol_row}\n{iso},ccw-test,accession,,1996-01-10,,,UNTC XXVI-2,\n"
    result = import_rows(text)
    assert result.ok, [str(e) for e in result.errors]
    first = export_of(client, iso)
    StatusEvent.objects.filter(country=state).delete()
    assert services.status_event_import(rows=status_event_csv_read(first)).ok
    assert export_of(client, iso) == first


def test_an_import_refuses_the_new_kinds_in_the_same_words(ccw, protocol, state):
    iso = state.iso3
    text = "\n".join(
        [
            HEADER,
            f"{iso},ccw-test,declaration,,1981-04-10,,,UNTC,",
            f"{iso},ccw-test,provisional_application,,1983-01-10,,,UNTC,",
            f"{iso},ccw-test,territorial_application,,1990-01-10,,,UNTC,",
            f"{iso},ccw-test-p2a,accession,,1997-04-30,,,UNTC,",
        ]
    )
    result = import_rows(text + "\n", dry_run=True)
    messages = {error.number: " ".join(error.messages) for error in result.errors}
    assert "give the text in the note" in messages[2]
    assert "does not provide for provisional application" in messages[3]
    assert "names the territories it extends the treaty to or excludes" in messages[4]
    assert "has no consent to the Weapons Convention on or before 1997-04-30" in messages[5]
    assert not StatusEvent.objects.filter(country=state).exists()


def test_the_admin_event_form_takes_territories_as_free_text(editor_client, ccw, state):
    response = editor_client.get("/admin/treaties/statusevent/add/")
    content = response.content.decode()
    assert 'name="value_text"' in content
    assert re.search(r'data-kinds="[^"]*\bterritorial_application\b', content)
    data = {
        "treaty": ccw.pk,
        "country": state.pk,
        "kind": EventKind.TERRITORIAL_APPLICATION,
        "value": "",
        "value_text": "extension: Isle of Man",
        "date": "1990-01-10",
        "effective_date": "",
        "end_date": "",
        "source": "UNTC, end note 12",
        "note": "",
    }
    response = editor_client.post("/admin/treaties/statusevent/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert StatusEvent.objects.get(country=state).value == "extension: Isle of Man"
    # The menu's value is the one read for the other kinds, whatever the text box holds.
    data.update(kind=EventKind.STANCE, value="supporter", value_text="ignored", date="1990-02-10")
    response = editor_client.post("/admin/treaties/statusevent/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert StatusEvent.objects.get(country=state, kind=EventKind.STANCE).value == "supporter"
    edit = editor_client.get(
        f"/admin/treaties/statusevent/{StatusEvent.objects.get(country=state, value__startswith='ext').pk}/change/"
    )
    assert 'value="extension: Isle of Man"' in edit.content.decode()


def test_the_treaty_admin_form_shows_the_family_fields(editor_client, ccw):
    content = editor_client.get(f"/admin/treaties/treaty/{ccw.pk}/change/").content.decode()
    for name in ("parent", "provisional_application", "withdrawal_armed_conflict_hold"):
        assert f'name="{name}"' in content
