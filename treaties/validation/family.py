"""The check of a consent to a protocol against its parent treaty (CCW art. 4(3)), and its bulk read.

A protocol binds only a State bound by its parent, so a consent to one is checked against the
State's acts under the parent (and those of the states it continues).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext as _

from countries.selectors import country_lineage_map
from treaties.choices import STATUS_KINDS, CountBasis
from treaties.models import StatusEvent, Treaty
from treaties.status import PARTY_STATUSES, Act, country_status
from treaties.validation.messages import _a


def parent_acts_by_country(
    *, treaty: Treaty, country_ids: Iterable[int], pending: Iterable[StatusEvent] = ()
) -> dict[int, list[Act]]:
    """The acts under `treaty`'s parent of these countries, each with those of the states it continues
    (Serbia with Serbia and Montenegro's), by country id: two queries, none without a parent.

    For a caller that passes `parent_acts` to `status_event_problems` and checks many consents to a
    protocol at once. `pending` are events not yet written (a file being imported): those under the
    parent count too, so a file that records a consent to the CCW and to its protocol imports whatever
    the order of its rows.
    """
    if treaty.parent_id is None:
        return {}
    lineage = country_lineage_map()
    wanted = set(country_ids)
    ids = wanted | {ancestor for country_id in wanted for ancestor in lineage.get(country_id, ())}
    found: dict[int, dict[tuple, Act]] = defaultdict(dict)
    rows = StatusEvent.objects.filter(
        treaty_id=treaty.parent_id, country_id__in=ids, kind__in=sorted(STATUS_KINDS)
    ).values_list("country_id", "kind", "date", "value", "effective_date")
    for country_id, kind, date, value, effective_date in rows:
        found[country_id][(kind, date)] = Act(kind, date, value, effective_date)
    for event in pending:
        if event.treaty_id == treaty.parent_id and event.country_id in ids and event.kind in STATUS_KINDS:
            found[event.country_id][(event.kind, event.date)] = Act(
                event.kind, event.date, event.value, event.effective_date
            )
    return {
        country_id: [act for holder in (country_id, *lineage.get(country_id, ())) for act in found[holder].values()]
        for country_id in wanted
    }


def _check_parent_consent(event: StatusEvent, parent_acts: Mapping[int, Sequence[Act]] | None, add) -> None:
    """A protocol binds only a State bound by its parent: CCW art. 4(3), a State "may consent to be
    bound by any protocol … at the time of its ratification … of this Convention or at any time
    thereafter". So the State (or a state it continues) has consented to the parent on or before
    the consent's date, and has not left it by then."""
    treaty, country, date = event.treaty, event.country, event.date
    if parent_acts is None:
        parent_acts = parent_acts_by_country(treaty=treaty, country_ids=[event.country_id])
    acts = parent_acts.get(event.country_id, ())
    parent = treaty.parent
    standing = country_status(parent.rule, acts, date, CountBasis.DEPOSIT)
    if standing.status in PARTY_STATUSES:
        return
    if standing.consent_date is None:
        add(
            "kind",
            _(
                "%(country)s has no consent to the %(parent)s on or before %(date)s: %(an_act)s of the %(treaty)s, "
                "annexed to it, needs consent to the %(parent)s first, or on the same day (CCW art. 4)."
            )
            % {"country": country, "parent": parent, "date": date, "an_act": _a(event.kind), "treaty": treaty},
        )
    else:
        add(
            "kind",
            _(
                "%(country)s had left the %(parent)s by %(date)s (withdrawal notified on %(notified)s): "
                "%(an_act)s of the %(treaty)s, annexed to it, needs the State to be bound by the %(parent)s."
            )
            % {
                "country": country,
                "parent": parent,
                "date": date,
                "notified": standing.withdrawal_notice_date,
                "an_act": _a(event.kind),
                "treaty": treaty,
            },
        )
