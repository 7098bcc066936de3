"""The contradiction checks every writer shares (service, admin form, import)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ottawa_tracker.text import SOURCE_NOT_VISIBLE, has_visible_text
from tests.factories import CountryFactory, StatusEventFactory, TreatyFactory
from treaties import services
from treaties.choices import EventKind
from treaties.models import StatusEvent
from treaties.validation import retracted_events, status_event_problems

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat


@pytest.fixture
def treaty():
    return TreatyFactory(slug="mines")


@pytest.fixture
def country():
    return CountryFactory(name="Freedonia")


def record(treaty, country, kind, date, **kwargs):
    return services.status_event_record(
        treaty=treaty, country=country, kind=kind, date=D(date), source=kwargs.pop("source", "UNTC"), **kwargs
    )


def messages(excinfo) -> str:
    return " ".join(m for ms in excinfo.value.message_dict.values() for m in ms)


def test_a_valid_sequence_is_recorded(treaty, country):
    record(treaty, country, EventKind.SIGNATURE, "1997-12-03")
    record(treaty, country, EventKind.RATIFICATION, "1999-01-05")
    record(treaty, country, EventKind.WITHDRAWAL_NOTICE, "2025-06-27")
    assert StatusEvent.objects.filter(country=country).count() == 3


def test_consent_before_signature_is_refused(treaty, country):
    record(treaty, country, EventKind.SIGNATURE, "1998-09-08")
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.RATIFICATION, "1998-01-10")
    assert "Freedonia signed the Treaty" in messages(excinfo)
    assert "consent cannot come before signature" in messages(excinfo)
    assert not StatusEvent.objects.filter(country=country, kind=EventKind.RATIFICATION).exists()


def test_signature_after_consent_is_refused(treaty, country):
    record(treaty, country, EventKind.SIGNATURE, "1997-12-03")
    StatusEvent.objects.filter(country=country, kind=EventKind.SIGNATURE).delete()
    StatusEventFactory(treaty=treaty, country=country, kind=EventKind.RATIFICATION, date=D("1998-01-10"))
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.SIGNATURE, "1998-05-01")
    assert "comes before this signature" in messages(excinfo)


def test_ratification_without_any_signature_is_refused(treaty, country):
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.RATIFICATION, "1999-01-05")
    assert "record the signature first, or record an accession" in messages(excinfo)


def test_a_second_consent_is_refused(treaty, country):
    record(treaty, country, EventKind.ACCESSION, "2001-01-05")
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.ACCESSION, "2003-01-05")
    assert "already consented to be bound" in messages(excinfo)


def test_consent_again_after_a_withdrawal_is_allowed(treaty, country):
    record(treaty, country, EventKind.ACCESSION, "2001-01-05")
    record(treaty, country, EventKind.WITHDRAWAL_NOTICE, "2010-01-05")
    record(treaty, country, EventKind.ACCESSION, "2015-01-05")
    assert StatusEvent.objects.filter(country=country, kind=EventKind.ACCESSION).count() == 2


def test_an_act_before_the_treaty_opened_is_refused_but_accession_is_not(treaty, country):
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.SIGNATURE, "1997-11-30")
    assert "opened for signature on 1997-12-03" in messages(excinfo)
    record(treaty, country, EventKind.STANCE, "1996-05-01", value="supporter")


def test_a_future_date_is_refused(treaty, country):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.SIGNATURE, tomorrow.isoformat())
    assert "is in the future" in messages(excinfo)


def test_a_duplicate_is_refused_in_words_and_by_the_database(treaty, country):
    record(treaty, country, EventKind.SIGNATURE, "1997-12-03")
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.SIGNATURE, "1997-12-03")
    assert "already recorded" in messages(excinfo)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusEventFactory(treaty=treaty, country=country, kind=EventKind.SIGNATURE, date=D("1997-12-03"))


def test_an_effective_date_before_the_act_is_refused(treaty, country):
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.ACCESSION, "2011-11-11", effective_date=D("2011-07-09"))
    assert "only a succession can take effect before its deposit" in messages(excinfo)


def test_a_succession_may_take_effect_from_independence(treaty):
    south_sudan = CountryFactory(name="New Sudania", valid_from=D("2011-07-09"))
    event = record(treaty, south_sudan, EventKind.SUCCESSION, "2011-11-11", effective_date=D("2011-07-09"))
    assert event.effective_date == D("2011-07-09")


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (EventKind.STANCE, "maybe", "takes one of: supporter, undecided, opposed"),
        (EventKind.STANCE, "", "takes one of"),
        (EventKind.UNGA_VOTE, "supporter", "takes one of: yes, no, abstain"),
        (EventKind.SIGNATURE, "yes", "takes no value"),
    ],
)
def test_a_value_that_does_not_fit_the_kind_is_refused(treaty, country, kind, value, expected):
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, kind, "2001-01-01", value=value)
    assert expected in messages(excinfo)


def test_the_database_refuses_a_value_that_does_not_fit_the_kind(treaty, country):
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusEventFactory(treaty=treaty, country=country, kind=EventKind.STANCE, value="maybe")


def test_the_database_refuses_an_event_without_a_source(treaty, country):
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusEventFactory(treaty=treaty, country=country, source="")


def test_an_end_date_only_on_positions(treaty, country):
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.SIGNATURE, "1997-12-03", end_date=D("2000-01-01"))
    assert "only policy positions end" in messages(excinfo)


def test_a_withdrawal_needs_a_consent(treaty, country):
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.WITHDRAWAL_NOTICE, "2020-01-01")
    assert "to withdraw from" in messages(excinfo)


def test_an_act_of_a_state_that_did_not_exist_yet_is_refused(treaty):
    successor = CountryFactory(name="Successoria", valid_from=D("2006-06-03"))
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, successor, EventKind.ACCESSION, "2003-09-18")
    assert "came into being on 2006-06-03" in messages(excinfo)


def test_a_service_write_keeps_who_and_why_in_history(treaty, country, editor):
    event = services.status_event_record(
        treaty=treaty, country=country, kind=EventKind.SIGNATURE, date=D("1997-12-03"), source="UNTC", user=editor
    )
    entry = event.history.get()
    assert entry.history_user == editor
    assert entry.history_type == "+"


# Impossible facts (issue 8, finding 5) -----------------------------------------------------------


@pytest.fixture
def closed_treaty():
    """A treaty with the Ottawa Convention's dates: adopted 1997-09-18, open for signature until 1999-03-01."""
    return TreatyFactory(slug="closing", signature_closes=D("1999-03-01"))


def test_an_accession_dated_0001_01_01_is_refused_in_words(treaty, country):
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.ACCESSION, "0001-01-01")
    assert "was adopted on 1997-09-18; an accession dated 0001-01-01 comes before it" in messages(excinfo)
    assert not StatusEvent.objects.filter(country=country).exists()


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (EventKind.ACCESSION, "an accession"),
        (EventKind.SUCCESSION, "a succession"),
        (EventKind.SIGNATURE, "a signature"),
    ],
)
def test_no_legal_act_before_the_treaty_was_adopted(treaty, country, kind, words):
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, kind, "1997-09-17")
    # One message, not a second one about the opening for signature.
    assert excinfo.value.message_dict["date"] == [
        f"The {treaty} was adopted on 1997-09-18; {words} dated 1997-09-17 comes before it: "
        "no legal act can precede the treaty's adoption."
    ]


def test_an_accession_on_the_day_of_adoption_is_accepted(treaty, country):
    record(treaty, country, EventKind.ACCESSION, "1997-09-18")


def test_a_position_may_come_before_adoption_but_not_decades_before(treaty, country):
    record(treaty, country, EventKind.STANCE, "1988-01-01", value="supporter")
    record(treaty, country, EventKind.UNGA_VOTE, "1996-12-10", value="yes")
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.STANCE, "1987-09-17", value="supporter")
    assert "more than 10 years before that" in messages(excinfo)


def test_without_an_adoption_date_nothing_comes_before_the_un_charter(country):
    undated = TreatyFactory(slug="undated", adopted=None, opened_for_signature=None)
    with pytest.raises(ValidationError) as excinfo:
        record(undated, country, EventKind.ACCESSION, "0001-01-01")
    assert "before 1945-10-24, when the UN Charter entered into force" in messages(excinfo)


def test_an_effective_date_before_adoption_is_refused(treaty):
    newcomer = CountryFactory(name="Newland", valid_from=D("2011-07-09"))
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, newcomer, EventKind.SUCCESSION, "2011-11-11", effective_date=D("0001-01-01"))
    assert "is before 1997-09-18, the earliest date a succession" in messages(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, newcomer, EventKind.SUCCESSION, "2011-11-11", effective_date=D("2011-07-08"))
    assert "before its independence" in messages(excinfo)


def test_a_signature_on_the_day_the_treaty_closed_for_signature_is_refused(closed_treaty, country):
    for date in ("1999-03-01", "2003-06-01"):
        with pytest.raises(ValidationError) as excinfo:
            record(closed_treaty, country, EventKind.SIGNATURE, date)
        assert f"closed for signature on 1999-03-01; a signature dated {date} comes on or after that" in messages(
            excinfo
        )
    assert not StatusEvent.objects.filter(country=country).exists()


def test_a_signature_the_day_before_the_treaty_closed_is_accepted(closed_treaty, country):
    record(closed_treaty, country, EventKind.SIGNATURE, "1999-02-28")
    # An accession after the signature period is how a state joins then.
    other = CountryFactory(name="Latecomer")
    record(closed_treaty, other, EventKind.ACCESSION, "2003-06-01")


def test_a_treaty_open_for_signature_takes_signatures_any_time(treaty, country):
    assert treaty.signature_closes is None
    record(treaty, country, EventKind.SIGNATURE, "2003-06-01")


BLANK_SOURCES = [" ", "   ", "\t", " \t \n", "\u200b", "\u00a0\u2003", "\u200e\u2060\ufeff", "\u3164", "\u2800"]


@pytest.mark.parametrize("source", BLANK_SOURCES, ids=[repr(s) for s in BLANK_SOURCES])
def test_a_source_with_nothing_visible_is_refused(treaty, country, source):
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.SIGNATURE, "1997-12-03", source=source)
    assert excinfo.value.message_dict["source"] == [SOURCE_NOT_VISIBLE]
    assert not StatusEvent.objects.filter(country=country).exists()


@pytest.mark.parametrize("text", ["UNTC", "  padded  ", "\t=1+1", "«»", "٣", "—", "東京"])
def test_a_source_with_visible_text_is_accepted(text):
    assert has_visible_text(text)


def test_a_new_event_matching_a_retracted_one_says_restore_it(treaty, country):
    event = record(treaty, country, EventKind.SIGNATURE, "1997-12-03")
    StatusEvent.all_objects.filter(pk=event.pk).update(
        retracted_at=datetime.datetime(2026, 1, 5, 12, tzinfo=datetime.UTC), retraction_reason="wrong country"
    )
    with pytest.raises(ValidationError) as excinfo:
        record(treaty, country, EventKind.SIGNATURE, "1997-12-03")
    assert messages(excinfo) == (
        "A retracted event with this identity is recorded (retracted on 2026-01-05: wrong country); restore it instead."
    )
    # The same words when the caller passes the other events (the import, the loader).
    twin = StatusEventFactory.build(treaty=treaty, country=country, kind=EventKind.SIGNATURE, date=D("1997-12-03"))
    retracted = retracted_events(treaty_id=treaty.pk, country_ids=[country.pk])
    assert "restore it instead" in " ".join(status_event_problems(twin, others=[], retracted=retracted)["__all__"])
    # The retracted event itself may still be edited (its own identity is no twin).
    retracted_event = StatusEvent.all_objects.get(pk=event.pk)
    assert status_event_problems(retracted_event) == {}


# The treaty's own dates ------------------------------------------------------------------------


def treaty_messages(treaty) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as excinfo:
        services.treaty_save(treaty=treaty)
    return excinfo.value.message_dict


def test_a_treaty_cannot_open_for_signature_before_adoption(treaty):
    treaty.opened_for_signature = D("1997-09-17")
    assert treaty_messages(treaty)["opened_for_signature"] == [
        "The treaty cannot open for signature (1997-09-17) before its adoption (1997-09-18)."
    ]


@pytest.mark.parametrize("closes", ["1997-12-03", "1997-01-01"])
def test_a_treaty_closes_for_signature_after_it_opened(treaty, closes):
    treaty.signature_closes = D(closes)
    assert (
        "The signature period must close after it opened (1997-12-03)" in treaty_messages(treaty)["signature_closes"][0]
    )


def test_a_treaty_source_with_nothing_visible_is_refused(treaty):
    treaty.source = "\u200b\u200b"
    assert treaty_messages(treaty)["source"] == [SOURCE_NOT_VISIBLE]


def test_treaty_dates_cannot_leave_a_recorded_act_outside(treaty, country):
    record(treaty, country, EventKind.SIGNATURE, "1998-06-01")
    treaty.refresh_from_db()
    treaty.signature_closes = D("1998-06-01")
    assert "is recorded on or after this date" in treaty_messages(treaty)["signature_closes"][0]
    treaty.refresh_from_db()
    treaty.adopted = D("1998-07-01")
    treaty.opened_for_signature = D("1998-07-01")
    errors = treaty_messages(treaty)
    assert "is recorded before this adoption date" in errors["adopted"][0]
    treaty.refresh_from_db()
    treaty.signature_closes = D("1998-06-02")
    services.treaty_save(treaty=treaty)
