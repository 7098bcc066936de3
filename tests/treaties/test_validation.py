"""The contradiction checks every writer shares (service, admin form, import)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import CountryFactory, StatusEventFactory, TreatyFactory
from treaties import services
from treaties.choices import EventKind
from treaties.models import StatusEvent

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
