"""Atom feeds of newly recorded legal acts and positions (django.contrib.syndication): per treaty, country,
region and forum, each entry the act, its date, the State and its source.

A feed reader asks often, so a feed is one page of the newest entries (by date of the act, then when it
was recorded). The region's and forum's feeds go through the event list's own filters, so they hold
what `/events/?region=…` and `/events/?forum=…` list. UN General Assembly votes are not acts of the
treaty and are left out, as on the overview's "latest" list.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from countries.models import Country, Forum, Region
from treaties.choices import LEGAL_KINDS, POSITION_KINDS
from treaties.filtersets import StatusEventFilterSet
from treaties.models import StatusEvent, Treaty

# How many entries a feed holds: the newest ones.
FEED_ENTRIES = 50
FEED_KINDS = sorted(LEGAL_KINDS | POSITION_KINDS)


class EventFeed(Feed):
    """The newest acts and positions among `events(obj)`."""

    feed_type = Atom1Feed
    noun = ""

    def events(self, obj) -> QuerySet[StatusEvent]:
        raise NotImplementedError

    def items(self, obj) -> list[StatusEvent]:
        events = self.events(obj).filter(kind__in=FEED_KINDS).select_related("country", "treaty")
        return list(events.order_by("-date", "-created_at", "-pk")[:FEED_ENTRIES])

    def title(self, obj) -> str:
        return f"Ottawa Tracker: new acts and positions, {obj}"

    def subtitle(self, obj) -> str:
        return f"Legal acts and policy positions newly recorded for {self.noun} {obj}, with their sources."

    def link(self, obj) -> str:
        return obj.get_absolute_url()

    def item_title(self, item: StatusEvent) -> str:
        value = f" ({item.value})" if item.value else ""
        return f"{item.country.name}: {item.get_kind_display().lower()}{value}, {item.treaty.short_name}, {item.date}"

    def item_description(self, item: StatusEvent) -> str:
        return f"{item}. Source: {item.source}"

    def item_link(self, item: StatusEvent) -> str:
        """The source where it is a web address; otherwise the State's page."""
        source = item.source.strip()
        if source.startswith(("https://", "http://")) and not any(c.isspace() for c in source):
            return source
        return reverse("treaties:country_detail", kwargs={"iso3": item.country.iso3}) + f"#event-{item.pk}"

    def item_guid(self, item: StatusEvent) -> str:
        return f"urn:ottawa-tracker:event:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: StatusEvent) -> datetime.datetime:
        """The act's own date (as midnight UTC): the entry's `published`."""
        return datetime.datetime.combine(item.date, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, item: StatusEvent) -> datetime.datetime:
        return item.updated_at

    def item_categories(self, item: StatusEvent) -> list[str]:
        return [item.kind, item.country.iso3, item.treaty.slug]

    def item_author_name(self, item: StatusEvent) -> str:
        return item.country.name


class TreatyFeed(EventFeed):
    noun = "the"

    def get_object(self, request, slug: str) -> Treaty:
        return get_object_or_404(Treaty, slug=slug)

    def events(self, obj: Treaty) -> QuerySet[StatusEvent]:
        return StatusEvent.objects.filter(treaty=obj)


class CountryFeed(EventFeed):
    noun = ""

    def get_object(self, request, iso3: str) -> Country:
        return get_object_or_404(Country, iso3=iso3)

    def link(self, obj: Country) -> str:
        return reverse("treaties:country_detail", kwargs={"iso3": obj.iso3})

    def events(self, obj: Country) -> QuerySet[StatusEvent]:
        return StatusEvent.objects.filter(country=obj)


class RegionFeed(EventFeed):
    noun = "the countries of"

    def get_object(self, request, scheme: str, region: str) -> Region:
        return get_object_or_404(Region.objects.select_related("scheme"), scheme__slug=scheme, slug=region)

    def link(self, obj: Region) -> str:
        return reverse("treaties:region_detail", kwargs={"scheme": obj.scheme.slug, "region": obj.slug})

    def events(self, obj: Region) -> QuerySet[StatusEvent]:
        return StatusEventFilterSet().filter_region(StatusEvent.objects.all(), "region", [obj])


class ForumFeed(EventFeed):
    noun = "the members of"

    def get_object(self, request, slug: str) -> Forum:
        return get_object_or_404(Forum, slug=slug)

    def link(self, obj: Forum) -> str:
        return reverse("treaties:forum_detail", kwargs={"slug": obj.slug})

    def events(self, obj: Forum) -> QuerySet[StatusEvent]:
        return StatusEventFilterSet().filter_forum(StatusEvent.objects.all(), "forum", [obj])
