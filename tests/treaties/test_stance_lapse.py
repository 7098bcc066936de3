"""Stances lapse after the treaty's `stance_lapse_years` unless renewed (DESIGN.md, "Stances lapse")."""

import datetime

import pytest

from treaties.choices import EventKind, LegalStatus
from treaties.models import Treaty
from treaties.status import Act, TreatyRule, country_status, current_stance, stance_lapse_date
from treaties.summaries import country_timeline

D = datetime.date.fromisoformat
OTTAWA = TreatyRule(entry_into_force=D("1999-03-01"), threshold_date=D("1998-09-16"), stance_lapse_years=3)
NEVER = TreatyRule(entry_into_force=D("1999-03-01"), threshold_date=D("1998-09-16"))
SUPPORT_1997 = Act(EventKind.STANCE, D("1997-06-27"), "supporter")


def test_a_stance_counts_until_its_lapse_day():
    assert stance_lapse_date(D("1997-06-27"), 3) == D("2000-06-27")
    assert stance_lapse_date(D("2000-02-29"), 1) == D("2001-02-28")
    assert stance_lapse_date(D("1997-06-27"), None) is None
    assert current_stance([SUPPORT_1997], D("2000-06-26"), 3) == "supporter"
    assert current_stance([SUPPORT_1997], D("2000-06-27"), 3) == ""
    assert current_stance([SUPPORT_1997], D("2020-01-01"), None) == "supporter"


def test_a_renewed_stance_counts_from_its_renewal():
    renewed = [SUPPORT_1997, Act(EventKind.STANCE, D("2000-01-10"), "supporter")]
    assert country_status(OTTAWA, renewed, D("2002-12-31")).on_board
    assert not country_status(OTTAWA, renewed, D("2003-01-10")).on_board


def test_the_status_rule_and_the_timeline_agree_on_the_lapse():
    status = country_status(OTTAWA, [SUPPORT_1997], D("2001-01-01"))
    assert (status.status, status.on_board, status.stance) == (LegalStatus.NON_SIGNATORY, False, "")
    assert country_status(NEVER, [SUPPORT_1997], D("2001-01-01")).on_board
    timeline = country_timeline(OTTAWA, [SUPPORT_1997], "in_force")
    assert (D("1997-06-27"), (LegalStatus.NON_SIGNATORY, True)) in timeline
    assert timeline[-1] == (D("2000-06-27"), (LegalStatus.NON_SIGNATORY, False))
    assert country_timeline(NEVER, [SUPPORT_1997], "in_force")[-1] == (
        D("1997-06-27"),
        (LegalStatus.NON_SIGNATORY, True),
    )


def test_a_legal_status_does_not_lapse():
    signed = [Act(EventKind.SIGNATURE, D("1997-12-03")), SUPPORT_1997]
    status = country_status(OTTAWA, signed, D("2010-01-01"))
    assert status.status == LegalStatus.SIGNATORY and status.on_board


@pytest.mark.django_db
def test_the_shipped_ottawa_convention_lapses_stances_after_three_years(reference_data):
    ottawa = Treaty.objects.get(slug="ottawa")
    assert ottawa.stance_lapse_years == 3
    assert ottawa.rule.stance_lapse_years == 3
    assert Treaty.objects.get(slug="ccm").stance_lapse_years is None


def test_the_evidence_shown_is_the_renewal_when_the_first_stance_had_lapsed():
    from treaties.selectors.status_rows import stance_since

    lapsed_then_renewed = [SUPPORT_1997, Act(EventKind.STANCE, D("2001-05-04"), "supporter")]
    assert stance_since(lapsed_then_renewed, D("2002-01-01"), 3) == D("2001-05-04")
    renewed_in_time = [SUPPORT_1997, Act(EventKind.STANCE, D("2000-01-10"), "supporter")]
    assert stance_since(renewed_in_time, D("2002-01-01"), 3) == D("1997-06-27")
    assert stance_since(lapsed_then_renewed, D("2005-01-01"), 3) is None


def test_an_announced_withdrawal_is_shown_off_board_and_changes_no_legal_status():
    from treaties.status import WITHDRAWAL_ANNOUNCED

    party = [Act(EventKind.SIGNATURE, D("1997-12-03")), Act(EventKind.RATIFICATION, D("1998-12-03"))]
    announced = [*party, Act(WITHDRAWAL_ANNOUNCED, D("2025-03-18"))]
    before = country_status(OTTAWA, announced, D("2025-03-17"))
    after = country_status(OTTAWA, announced, D("2025-03-18"))
    assert before.on_board and before.withdrawal_announced_date is None
    assert after.status == LegalStatus.STATE_PARTY and not after.on_board
    assert after.withdrawal_announced_date == D("2025-03-18")
    # The summaries' timeline changes on the announcement's day too.
    assert country_timeline(OTTAWA, announced, "in_force")[-1] == (D("2025-03-18"), (LegalStatus.STATE_PARTY, False))
    # A new consent opens a new cycle: on board again.
    rejoined = [*announced, Act(EventKind.ACCESSION, D("2026-01-05"))]
    assert country_status(OTTAWA, rejoined, D("2026-01-06")).on_board


@pytest.mark.django_db
def test_an_announced_withdrawal_recorded_through_the_service_shows_on_the_pages(client, reference_data, editor):
    """Recorded like any event (a decree with no instrument deposited): the State stays a State Party in law,
    is not on board from the announcement, and its page says why."""
    from countries.models import Country
    from treaties.models import StatusEvent
    from treaties.services import status_event_save

    event = StatusEvent(
        treaty=Treaty.objects.get(slug="ottawa"),
        country=Country.objects.get(iso3="NOR"),
        kind=EventKind.WITHDRAWAL_ANNOUNCED,
        date=datetime.date(2026, 6, 1),
        source="https://example.org/decree",
    )
    status_event_save(event=event, user=editor)
    response = client.get("/treaties/ottawa/", {"date": "2026-06-02"})
    row = next(r for r in response.context["rows"] if r.country.iso3 == "NOR")
    assert row.status.status == LegalStatus.STATE_PARTY and not row.status.on_board
    before = client.get("/treaties/ottawa/", {"date": "2026-05-31"})
    assert next(r for r in before.context["rows"] if r.country.iso3 == "NOR").status.on_board
    assert "Withdrawal announced" in client.get("/countries/NOR/").content.decode()
