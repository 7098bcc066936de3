"""The check of an event about an obligation: it names one of the treaty's obligations, and an
extension moves a State Party's deadline later."""

from collections.abc import Mapping

from treaties.choices import STATUS_KINDS, CountBasis, EventKind
from treaties.models import Obligation, StatusEvent
from treaties.obligations import ObligationAct, obligation_rules, original_due_date
from treaties.status import Act, country_status
from treaties.validation.messages import _a, _label


def _check_obligation(
    event: StatusEvent, others: list[StatusEvent], obligations: Mapping[str, Obligation] | None, add
) -> None:
    """An event about an obligation names one of the treaty's obligations; an extension gives a new deadline
    later than the one in force, of an obligation that can be extended, to a State Party. An
    `obligation_met` may be dated before the State's entry into force: it did what the obligation asks
    before it joined (a stockpile destroyed before), and the obligation is met on joining."""
    treaty, country, label = event.treaty, event.country, _label(event.kind)
    if obligations is None:
        obligations = {o.slug: o for o in Obligation.objects.filter(treaty_id=event.treaty_id)}
    obligation = obligations.get(event.value)
    if obligation is None:
        known = ", ".join(sorted(obligations)) or "none recorded"
        add(
            "value",
            f"{_a(label).capitalize()} names one of the {treaty}'s obligations by its slug ({known}); "
            f"got {event.value!r}.",
        )
        return
    if event.kind != EventKind.DEADLINE_EXTENDED:
        return
    if not obligation.extendable:
        add("kind", f"The {obligation} cannot be extended: the treaty gives no extension of its deadline.")
        return
    if event.effective_date is None:
        add("effective_date", "An extension gives the new deadline: enter it as the effective date.")
        return
    acts = [Act(o.kind, o.date, o.value, o.effective_date, o.end_date) for o in others if o.kind in STATUS_KINDS]
    standing = country_status(treaty.rule, acts, event.date, CountBasis.IN_FORCE)
    if not standing.is_party or standing.in_force_date is None:
        add("kind", f"{country} is not a State Party to the {treaty} on {event.date}: it has no deadline to extend.")
        return
    rule = obligation_rules([obligation])[obligation.slug]
    due = original_due_date(rule, standing.in_force_date)
    earlier = [
        ObligationAct(o.kind, o.date, o.value, o.effective_date)
        for o in others
        if o.kind == EventKind.DEADLINE_EXTENDED and o.value == obligation.slug and o.date < event.date
    ]
    if earlier:
        due = max(earlier, key=lambda e: e.date).new_date or due
    if event.effective_date <= due:
        add(
            "effective_date",
            f"An extension moves the deadline later: {country}'s deadline for the {obligation} is {due} "
            f"before this one; the new date {event.effective_date} is not after it.",
        )
