"""The HTML pages (and the map image): read the state from the URL, call one selector, render."""

import datetime

from csp.constants import SELF
from csp.decorators import csp_replace
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.gzip import gzip_page
from django.views.generic import ListView, TemplateView

from countries.choices import MembershipRole
from countries.models import Country, Forum, RegionScheme
from treaties.charts import Series, groups_over_time, over_time, time_series_svg
from treaties.choices import LegalStatus
from treaties.maps import COLOURS, status_legend, status_map_svg, world_shapes
from treaties.models import Treaty
from treaties.presentation import treaty_not_yet
from treaties.selectors import (
    SummaryRow,
    country_profile,
    event_filter_choices,
    forum_member_rows,
    forum_summary_rows,
    forum_time_series,
    latest_events,
    panel_time_series,
    region_country_rows,
    region_summary_rows,
    region_time_series,
    status_counts,
    status_map_shapes,
    summary_freshness,
    summary_time_series,
    treaty_statements,
    treaty_status_rows,
    world_summary,
)
from treaties.summaries import FORUMS_PANEL, scheme_panel
from treaties.views.mixins import (
    DEFAULT_SCHEME,
    AsOfMixin,
    EventFilterMixin,
    StatusTableMixin,
    TreatyChoiceMixin,
    bad_request,
    chosen_scheme_or_404,
    scheme_region_or_404,
)


def summary_context(*, treaty: Treaty, on: datetime.date, count: str) -> dict:
    """The regional summary (default scheme) with its freshness, for a page that shows them."""
    scheme = RegionScheme.objects.filter(slug=DEFAULT_SCHEME).first()
    rows = region_summary_rows(treaty=treaty, scheme=scheme, on=on, count=count) if scheme else []
    return {"scheme": scheme, "region_rows": rows, **freshness_context(treaty=treaty, rows=rows)}


def freshness_context(*, treaty: Treaty, rows: list[SummaryRow]) -> dict:
    """When the figures shown were computed, and whether a recompute is pending (templates/includes/freshness.html)."""
    return {
        "freshness": summary_freshness(treaty=treaty),
        "computed_on_demand": bool(rows) and rows[0].computed_at is None,
    }


# The overview embeds its map with <object>, which the site-wide object-src 'none' would block.
@method_decorator(csp_replace({"object-src": [SELF]}), name="dispatch")
class HomeView(TreatyChoiceMixin, TemplateView):
    """The overview of a treaty (the default one unless `treaty` says): headline counts, the map, latest changes."""

    template_name = "treaties/home.html"

    def get_context_data(self, **kwargs) -> dict:
        treaty = self.treaty
        world = world_summary(treaty=treaty, on=self.on, count=self.count)
        series = summary_time_series(treaty=treaty, count=self.count)
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            **freshness_context(treaty=treaty, rows=[world]),
            "counts": world,
            "legend": status_legend(world),
            "chart": time_series_svg(
                series=[
                    Series(
                        _("States Parties"), COLOURS[LegalStatus.STATE_PARTY], [(r.date, r.parties) for r in series]
                    ),
                    Series(_("On board"), "#0b5cad", [(r.date, r.on_board) for r in series]),
                ],
                title=_("%(treaty)s: States Parties and states on board over time, counted %(count)s")
                % {"treaty": treaty.local_short_name, "count": self.count_label},
            ),
            "yearly": [r for r in series if (r.date.month, r.date.day) == (12, 31) or r is series[-1]],
            "latest": latest_events(treaty=treaty, on=self.on),
        }


class TreatyDetailView(AsOfMixin, StatusTableMixin, TemplateView):
    """The depositary's table: participant, signature, consent, entry into force, withdrawal; sortable and
    filterable (`sort`, `show`: StatusTableMixin), the counts of every participant above it."""

    template_name = "treaties/treaty_detail.html"

    def get_context_data(self, **kwargs) -> dict:
        treaty = get_object_or_404(Treaty.objects.select_related("parent"), slug=self.kwargs["slug"])
        rows = treaty_status_rows(treaty=treaty, on=self.on, count=self.count)
        statements = treaty_statements(treaty=treaty, on=self.on)
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            **self.date_context(treaty),
            "treaty": treaty,
            **self.table_context(rows),
            "statements": statements,
            "statement_countries": {country.pk for country, _events in statements},
            "counts": status_counts(row.status for row in rows),
            **summary_context(treaty=treaty, on=self.on, count=self.count),
        }


# The overview embeds the map with <object>, which X-Frame-Options: DENY and the site-wide CSP
# frame-ancestors 'none' would block; this site (and no other) may embed it.
@method_decorator([gzip_page, xframe_options_sameorigin, csp_replace({"frame-ancestors": [SELF]})], name="dispatch")
class TreatyMapView(AsOfMixin, View):
    """`/treaties/<slug>/map.svg`: the world map coloured by status, as an SVG image."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        treaty = get_object_or_404(Treaty, slug=slug)
        rows = treaty_status_rows(treaty=treaty, on=self.on, count=self.count)
        shapes = status_map_shapes(rows=rows, codes=world_shapes())
        svg = status_map_svg(shapes=shapes, on=self.on, count=self.count, treaty_name=treaty.local_short_name)
        return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


class CountryDetailView(AsOfMixin, TemplateView):
    """A country's status under every treaty, its timeline with sources, regions and forum seats."""

    template_name = "treaties/country_detail.html"

    def get_context_data(self, **kwargs) -> dict:
        country = get_object_or_404(Country, iso3=self.kwargs["iso3"].upper())
        profile = country_profile(country=country, on=self.on, count=self.count)
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            "profile": profile,
            "not_yet": {s.treaty.pk for s in profile.standings if treaty_not_yet(s.treaty, self.on)},
            "freshness_live": True,
        }


class RegionDetailView(TreatyChoiceMixin, StatusTableMixin, TemplateView):
    """One region's participants on the date, with their status; `no-region` lists those in none.
    The table is sortable and filterable (StatusTableMixin); the counts are of every participant."""

    template_name = "treaties/region_detail.html"

    def get_context_data(self, **kwargs) -> dict:
        scheme, region = scheme_region_or_404(self.kwargs["scheme"], self.kwargs["region"])
        rows = region_country_rows(treaty=self.treaty, scheme=scheme, region=region, on=self.on, count=self.count)
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            "scheme": scheme,
            "region": region,
            **self.table_context(rows),
            "freshness_live": True,
            "counts": status_counts(row.status for row in rows),
            "over_time": over_time(
                region_time_series(treaty=self.treaty, count=self.count, scheme=scheme, region=region),
                title=_("%(group)s: States Parties and states on board the %(treaty)s over time, counted %(count)s")
                % {
                    "group": region.local_name if region else _("In no region"),
                    "treaty": self.treaty.local_short_name,
                    "count": self.count_label,
                },
            ),
        }


class ForumDetailView(TreatyChoiceMixin, StatusTableMixin, TemplateView):
    """A forum's members on the date with their role and status, and the headline count.
    The seats' table is sortable (by role too) and filterable; the counts are of every voting member."""

    table_role = True

    template_name = "treaties/forum_detail.html"

    def get_context_data(self, **kwargs) -> dict:
        forum = get_object_or_404(Forum, slug=self.kwargs["slug"])
        members = forum_member_rows(treaty=self.treaty, forum=forum, on=self.on, count=self.count)
        voting = members.by_role(MembershipRole.MEMBER)
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            "forum": forum,
            "members": members,
            **self.table_context(members.rows),
            "freshness_live": True,
            "counts": status_counts(row.status for row in voting),
            "over_time": over_time(
                forum_time_series(treaty=self.treaty, count=self.count, forum=forum),
                title=_(
                    "%(forum)s: members that are States Parties and on board the %(treaty)s over time, counted %(count)s"  # noqa: E501
                )
                % {"forum": forum.local_name, "treaty": self.treaty.local_short_name, "count": self.count_label},
            ),
        }


# The regional and forum dashboards' sortable columns: URL value → key on a SummaryRow.
GROUP_SORTS = {
    "name": lambda row: row.label.casefold(),
    "countries": lambda row: row.countries,
    "parties": lambda row: row.parties,
    "on_board": lambda row: row.on_board,
    "share": lambda row: row.on_board_share,
}


class GroupSortMixin:
    """Reads `sort` (a GROUP_SORTS key, `-` to reverse); an unknown one is a 400."""

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.sort = request.GET.get("sort") or "name"
        if self.sort.removeprefix("-") not in GROUP_SORTS:
            return bad_request(
                request,
                {"sort": [_("Sort by one of: %(keys)s (with - to reverse).") % {"keys": ", ".join(GROUP_SORTS)}]},
            )
        return super().get(request, *args, **kwargs)

    def sorted_rows(self, rows: list[SummaryRow]) -> list[SummaryRow]:
        """Rows in the chosen order; the row of participants in no region stays last."""
        key = GROUP_SORTS[self.sort.removeprefix("-")]
        ranked = sorted((r for r in rows if not r.is_no_region), key=key, reverse=self.sort.startswith("-"))
        return ranked + [r for r in rows if r.is_no_region]


class RegionListView(GroupSortMixin, TreatyChoiceMixin, TemplateView):
    """The regional dashboard: a row per region of the chosen scheme, from the stored summaries."""

    template_name = "treaties/region_list.html"

    def get_context_data(self, **kwargs) -> dict:
        scheme = chosen_scheme_or_404(self.request)
        rows = region_summary_rows(treaty=self.treaty, scheme=scheme, on=self.on, count=self.count)
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            **freshness_context(treaty=self.treaty, rows=rows),
            "scheme": scheme,
            "schemes": RegionScheme.objects.order_by("name"),
            "rows": self.sorted_rows(rows),
            "sort": self.sort,
            "state_query": self.state_query(),
            "total": {key: sum(getattr(row, key) for row in rows) for key in ("countries", "on_board")},
            "groups_over_time": groups_over_time(
                panel_time_series(treaty=self.treaty, count=self.count, panel=scheme_panel(scheme.pk), scheme=scheme),
                title=_("%(scheme)s: states on board the %(treaty)s over time, counted %(count)s")
                % {"scheme": scheme.local_name, "treaty": self.treaty.local_short_name, "count": self.count_label},
            ),
        }


class ForumListView(GroupSortMixin, TreatyChoiceMixin, TemplateView):
    """The forum dashboard: a row per forum, counting its members on the date, from the stored summaries."""

    template_name = "treaties/forum_list.html"

    def get_context_data(self, **kwargs) -> dict:
        rows = forum_summary_rows(treaty=self.treaty, on=self.on, count=self.count)
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            **freshness_context(treaty=self.treaty, rows=rows),
            "rows": self.sorted_rows(rows),
            "sort": self.sort,
            "state_query": self.state_query(),
            "groups_over_time": groups_over_time(
                panel_time_series(treaty=self.treaty, count=self.count, panel=FORUMS_PANEL),
                title=_("Forums: members on board the %(treaty)s over time, counted %(count)s")
                % {"treaty": self.treaty.local_short_name, "count": self.count_label},
            ),
        }


class EventListView(EventFilterMixin, ListView):
    """`/events/`: every event matching the filters, a page at a time, with its source."""

    template_name = "treaties/event_list.html"
    context_object_name = "events"
    paginate_by = 100

    def get_queryset(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs) -> dict:
        return {
            **super().get_context_data(**kwargs),
            **event_filter_choices(),
            **self.filter_context(),
            "filterset": self.filterset,
        }
