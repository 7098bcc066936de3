"""Writes: every change to countries, region schemes and forums goes through here.

Each write runs in one transaction with its history entry. A change that moves who is
counted where also sends `countries.signals.counting_changed` inside that transaction,
so the treaties' summaries are marked for a recompute atomically with it.

A change to a country, a forum membership or a region assignment is written only if the row
is still at the version its writer read (`instance.version`); otherwise
`ottawa_tracker.versioning.StaleEdit` says who changed what since, and nothing is written.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction

from countries.models import (
    Country,
    CountrySuccession,
    Forum,
    ForumMembership,
    Region,
    RegionAssignment,
    RegionScheme,
)
from countries.signals import counting_changed
from ottawa_tracker.history import history_stamp
from ottawa_tracker.versioning import versioned_save

# The fields of a country that decide whether and when it is counted.
COUNTED_COUNTRY_FIELDS = ("participant", "valid_from", "valid_until")
# The models whose rows carry a `version`, checked on every change.
VERSIONED = (Country, ForumMembership, RegionAssignment)


def _save(
    instance: models.Model, *, user: AbstractBaseUser | None, reason: str, validate: bool, counts: bool
) -> models.Model:
    if validate:
        instance.full_clean()
    with transaction.atomic():
        history_stamp(instance, user=user, reason=reason)
        if isinstance(instance, VERSIONED):
            versioned_save(instance)
        else:
            instance.save()
        if counts:
            counting_changed.send(sender=type(instance), instance=instance, action="saved")
    return instance


def _delete(instance: models.Model, *, user: AbstractBaseUser | None, reason: str, counts: bool = True) -> None:
    with transaction.atomic():
        history_stamp(instance, user=user, reason=reason)
        instance.delete()
        if counts:
            counting_changed.send(sender=type(instance), instance=instance, action="deleted")


def country_save(
    *, country: Country, user: AbstractBaseUser | None = None, reason: str = "", validate: bool = True
) -> Country:
    """Create or change a country; a new one, or a change to its lifespan or participant flag, moves the counts."""
    before = Country.objects.filter(pk=country.pk).values(*COUNTED_COUNTRY_FIELDS).first() if country.pk else None
    counts = before is None or any(before[f] != getattr(country, f) for f in COUNTED_COUNTRY_FIELDS)
    return _save(country, user=user, reason=reason, validate=validate, counts=counts)


def country_delete(*, country: Country, user: AbstractBaseUser | None = None, reason: str = "") -> None:
    _delete(country, user=user, reason=reason)


def country_succession_save(
    *, succession: CountrySuccession, user: AbstractBaseUser | None = None, reason: str = "", validate: bool = True
) -> CountrySuccession:
    """A continuation carries treaty acts and forum seats over to the successor, so it moves the counts."""
    return _save(succession, user=user, reason=reason, validate=validate, counts=True)


def country_succession_delete(
    *, succession: CountrySuccession, user: AbstractBaseUser | None = None, reason: str = ""
) -> None:
    _delete(succession, user=user, reason=reason)


def region_scheme_save(
    *, scheme: RegionScheme, user: AbstractBaseUser | None = None, reason: str = "", validate: bool = True
) -> RegionScheme:
    """A new scheme needs its summary rows; renaming one changes no count."""
    return _save(scheme, user=user, reason=reason, validate=validate, counts=scheme.pk is None)


def region_scheme_delete(*, scheme: RegionScheme, user: AbstractBaseUser | None = None, reason: str = "") -> None:
    _delete(scheme, user=user, reason=reason)


def _labels_change(instance: Region | Forum) -> bool:
    """New, or renamed: summaries keep each row's name and slug, so they need a recompute."""
    before = type(instance).objects.filter(pk=instance.pk).values("name", "slug").first() if instance.pk else None
    return before is None or before != {"name": instance.name, "slug": instance.slug}


def region_save(
    *, region: Region, user: AbstractBaseUser | None = None, reason: str = "", validate: bool = True
) -> Region:
    """A new region needs its summary row (with no countries yet); a renamed one its new name."""
    return _save(region, user=user, reason=reason, validate=validate, counts=_labels_change(region))


def region_delete(*, region: Region, user: AbstractBaseUser | None = None, reason: str = "") -> None:
    _delete(region, user=user, reason=reason)


def region_assignment_save(
    *, assignment: RegionAssignment, user: AbstractBaseUser | None = None, reason: str = "", validate: bool = True
) -> RegionAssignment:
    """Put a country in a region of a scheme (one region per scheme)."""
    return _save(assignment, user=user, reason=reason, validate=validate, counts=True)


def region_assignment_delete(
    *, assignment: RegionAssignment, user: AbstractBaseUser | None = None, reason: str = ""
) -> None:
    _delete(assignment, user=user, reason=reason)


def forum_save(*, forum: Forum, user: AbstractBaseUser | None = None, reason: str = "", validate: bool = True) -> Forum:
    """A new forum needs its summary row; a renamed one its new name."""
    return _save(forum, user=user, reason=reason, validate=validate, counts=_labels_change(forum))


def forum_delete(*, forum: Forum, user: AbstractBaseUser | None = None, reason: str = "") -> None:
    _delete(forum, user=user, reason=reason)


def forum_membership_save(
    *, membership: ForumMembership, user: AbstractBaseUser | None = None, reason: str = "", validate: bool = True
) -> ForumMembership:
    """Create or change a seat in a forum: joined, left, role."""
    return _save(membership, user=user, reason=reason, validate=validate, counts=True)


def forum_membership_delete(
    *, membership: ForumMembership, user: AbstractBaseUser | None = None, reason: str = ""
) -> None:
    _delete(membership, user=user, reason=reason)
