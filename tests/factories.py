import datetime
import string

import factory

from countries.choices import CountryKind
from countries.models import Country, Forum, ForumMembership, Region, RegionAssignment, RegionScheme
from treaties.choices import EventKind, PeriodUnit
from treaties.models import StatusEvent, Treaty

# ISO 3166 leaves QM-QZ (alpha-2) and QMA-QZZ (alpha-3) for user assignment, so test
# codes never clash with the real countries loaded into the test database.
USER_ALPHA2 = [f"Q{c}" for c in string.ascii_uppercase[12:]] + [f"X{c}" for c in "ABCDEFGHIJLMNOPQRSTUVWYZ"]


def _user_alpha3(n: int) -> str:
    second, third = divmod(n % (14 * 26), 26)
    return "Q" + string.ascii_uppercase[12 + second] + string.ascii_uppercase[third]


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("iso3",)

    iso3 = factory.Sequence(_user_alpha3)
    iso2 = factory.Sequence(lambda n: USER_ALPHA2[n % len(USER_ALPHA2)])
    name = factory.Sequence(lambda n: f"Testland {n}")
    kind = CountryKind.STATE
    participant = True


class TreatyFactory(factory.django.DjangoModelFactory):
    """A treaty with the Ottawa Convention's rules (art. 17 and 20)."""

    class Meta:
        model = Treaty
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"treaty-{n}")
    short_name = factory.Sequence(lambda n: f"Treaty {n}")
    title = factory.LazyAttribute(lambda o: f"Convention {o.short_name}")
    adopted = datetime.date(1997, 9, 18)
    opened_for_signature = datetime.date(1997, 12, 3)
    entry_into_force = datetime.date(1999, 3, 1)
    eif_instruments = 40
    eif_threshold_date = datetime.date(1998, 9, 16)
    late_eif_unit = PeriodUnit.MONTH_START
    late_eif_count = 6
    withdrawal_unit = PeriodUnit.MONTHS
    withdrawal_count = 6
    depositary = "Secretary-General of the United Nations"
    source = "Treaty text, articles 15, 17 and 20"


class StatusEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusEvent

    treaty = factory.SubFactory(TreatyFactory)
    country = factory.SubFactory(CountryFactory)
    kind = EventKind.SIGNATURE
    date = datetime.date(1997, 12, 3)
    source = "https://treaties.un.org/ (test)"


class RegionSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionScheme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"scheme-{n}")
    name = factory.Sequence(lambda n: f"Scheme {n}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    scheme = factory.SubFactory(RegionSchemeFactory)
    slug = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Region {n}")


class RegionAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionAssignment

    region = factory.SubFactory(RegionFactory)
    scheme = factory.LazyAttribute(lambda o: o.region.scheme)
    country = factory.SubFactory(CountryFactory)


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forum
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"forum-{n}")
    name = factory.Sequence(lambda n: f"Forum {n}")


class ForumMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForumMembership

    forum = factory.SubFactory(ForumFactory)
    country = factory.SubFactory(CountryFactory)
    start_date = datetime.date(1990, 1, 1)
    source = "test roster"
