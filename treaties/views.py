"""Thin views: read the state from the URL, call one selector, render."""

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.gzip import gzip_page
from django.views.generic import TemplateView

from countries.models import Country
from ottawa_tracker.csvio import csv_response, export_filename
from treaties import exports
from treaties.choices import CountBasis
from treaties.forms import AsOfForm
from treaties.maps import status_legend, status_map_svg, world_shapes
from treaties.models import Treaty
from treaties.selectors import (
    STATUS_SORTS,
    country_profile,
    latest_events,
    sort_status_rows,
    status_counts,
    status_map_shapes,
    treaty_status_rows,
)


def bad_request(request: HttpRequest, errors: dict) -> HttpResponse:
    """A 400 page that says which parameter was wrong and why."""
    return render(request, "400.html", {"errors": errors}, status=400)


class AsOfMixin:
    """Reads `date` and `count` from the URL; a malformed value gets a 400 page, not a 500."""

    on: datetime.date
    count: str

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.as_of_form = AsOfForm(request.GET)
        if not self.as_of_form.is_valid():
            return bad_request(request, self.as_of_form.errors)
        self.on = self.as_of_form.cleaned_data["date"]
        self.count = self.as_of_form.cleaned_data["count"]
        return super().dispatch(request, *args, **kwargs)

    def as_of_context(self) -> dict:
        return {
            "on": self.on,
            "count": self.count,
            "count_label": CountBasis(self.count).label,
            "as_of_form": self.as_of_form,
        }


class HomeView(AsOfMixin, TemplateView):
    """The overview of the default treaty: headline counts, the map, latest changes."""

    template_name = "treaties/home.html"

    def get_context_data(self, **kwargs) -> dict:
        treaty = get_object_or_404(Treaty, slug=settings.DEFAULT_TREATY_SLUG)
        rows = treaty_status_rows(treaty=treaty, on=self.on, count=self.count)
        counts = status_counts(row.status for row in rows)
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            "treaty": treaty,
            "counts": counts,
            "legend": status_legend(counts),
            "latest": latest_events(treaty=treaty, on=self.on),
        }


class TreatyDetailView(AsOfMixin, TemplateView):
    """The depositary's table: participant, signature, consent, entry into force, withdrawal; sortable."""

    template_name = "treaties/treaty_detail.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.sort = request.GET.get("sort") or "country"
        if self.sort.removeprefix("-") not in STATUS_SORTS:
            return bad_request(request, {"sort": [f"Sort by one of: {', '.join(STATUS_SORTS)} (with - to reverse)."]})
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        treaty = get_object_or_404(Treaty, slug=self.kwargs["slug"])
        rows = treaty_status_rows(treaty=treaty, on=self.on, count=self.count)
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            "treaty": treaty,
            "rows": sort_status_rows(rows, self.sort),
            "sort": self.sort,
            "counts": status_counts(row.status for row in rows),
        }


# The overview embeds the map with <object>, which X-Frame-Options: DENY would block.
@method_decorator([gzip_page, xframe_options_sameorigin], name="dispatch")
class TreatyMapView(AsOfMixin, View):
    """`/treaties/<slug>/map.svg`: the world map coloured by status, as an SVG image."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        treaty = get_object_or_404(Treaty, slug=slug)
        rows = treaty_status_rows(treaty=treaty, on=self.on, count=self.count)
        shapes = status_map_shapes(rows=rows, codes=world_shapes())
        svg = status_map_svg(shapes=shapes, on=self.on, count=self.count, treaty_name=treaty.short_name)
        return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


class CountryDetailView(AsOfMixin, TemplateView):
    """A country's status under every treaty, its timeline with sources, regions and forum seats."""

    template_name = "treaties/country_detail.html"

    def get_context_data(self, **kwargs) -> dict:
        country = get_object_or_404(Country, iso3=self.kwargs["iso3"].upper())
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            "profile": country_profile(country=country, on=self.on, count=self.count),
        }


class TreatyStatusExportView(AsOfMixin, View):
    """`/treaties/<slug>/status.csv`: one row per participant existing on the date."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        treaty = get_object_or_404(Treaty, slug=slug)
        rows = treaty_status_rows(treaty=treaty, on=self.on, count=self.count)
        return csv_response(
            exports.STATUS_HEADER,
            exports.status_rows(rows),
            filename=export_filename(treaty.slug, "status", on=self.on),
            bom=request.GET.get("bom") == "1",
        )
