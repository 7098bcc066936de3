"""The check of an event about an obligation: it names one of the treaty's obligations, and an
extension moves a State Party's deadline later."""

from collections.abc import Mapping

from django.utils.translation import gettext as _

from treaties.choices import STATUS_KINDS, CountBasis, EventKind
from treaties.models import Obligation, StatusEvent
from treaties.obligations import ObligationAct, obligation_rules, original_due_date
from treaties.status import Act, country_status
from treaties.validation.messages import _a


def _check_obligation(
    event: StatusEvent, others: list[StatusEvent], obligations: Mapping[str, Obligation] | None, add
) -> None:
    """An event about an obligation names one of the treaty's obligations; an extension gives a new deadline
    later than the one in force, of an obligation that can be extended, to a State Party. An
    `obligation_met` may be dated before the State's entry into force: it did what the obligation asks
    before it joined (a stockpile destroyed before), and the obligation is met on joining."""
    treaty, country = event.treaty, event.country
    if obligations is None:
        obligations = {o.slug: o for o in Obligation.objects.filter(treaty_id=event.treaty_id)}
    obligation = obligations.get(event.value)
    if obligation is None:
        known = ", ".join(sorted(obligations)) or _("none recorded")
        add(
            "value",
            _("%(an_act)s names one of the %(treaty)s's obligations by its slug (%(known)s); got %(value)s.")
            % {"an_act": _a(event.kind).capitalize(), "treaty": treaty, "known": known, "value": repr(event.value)},
        )
        return
    if event.kind != EventKind.DEADLINE_EXTENDED:
        return
    if not obligation.extendable:
        add(
            "kind",
            _("The %(obligation)s cannot be extended: the treaty gives no extension of its deadline.")
            % {"obligation": obligation},
        )
        return
    if event.effective_date is None:
        add("effective_date", _("An extension gives the new deadline: enter it as the effective date."))
        return
    acts = [Act(o.kind, o.date, o.value, o.effective_date, o.end_date) for o in others if o.kind in STATUS_KINDS]
    standing = country_status(treaty.rule, acts, event.date, CountBasis.IN_FORCE)
    if not standing.is_party or standing.in_force_date is None:
        add(
            "kind",
            _("%(country)s is not a State Party to the %(treaty)s on %(date)s: it has no deadline to extend.")
            % {"country": country, "treaty": treaty, "date": event.date},
        )
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
            _(
                "An extension moves the deadline later: %(country)s's deadline for the %(obligation)s is %(due)s "
                "before this one; the new date %(new)s is not after it."
            )
            % {"country": country, "obligation": obligation, "due": due, "new": event.effective_date},
        )
