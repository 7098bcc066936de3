"""Thin views: read the state from the URL, call one selector, render."""

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views import View
from django.views.generic import TemplateView

from countries.models import RegionScheme
from ottawa_tracker.csvio import csv_response, export_filename
from treaties import exports
from treaties.choices import CountBasis
from treaties.forms import AsOfForm
from treaties.models import Treaty
from treaties.selectors import (
    forum_summary_rows,
    region_summary_rows,
    status_counts,
    summary_freshness,
    treaty_status_rows,
)

# The scheme of `/regions.csv` and of the treaty page's regional summary when none is named.
DEFAULT_SCHEME_SLUG = "m49"


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
    template_name = "treaties/home.html"

    def get_context_data(self, **kwargs) -> dict:
        treaty = get_object_or_404(Treaty, slug=settings.DEFAULT_TREATY_SLUG)
        rows = treaty_status_rows(treaty=treaty, on=self.on, count=self.count)
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            "treaty": treaty,
            "counts": status_counts(row.status for row in rows),
            "treaties": Treaty.objects.all(),
        }


class TreatyDetailView(AsOfMixin, TemplateView):
    """The depositary's table: participant, signature, consent, entry into force, withdrawal."""

    template_name = "treaties/treaty_detail.html"

    def get_context_data(self, **kwargs) -> dict:
        treaty = get_object_or_404(Treaty, slug=self.kwargs["slug"])
        rows = treaty_status_rows(treaty=treaty, on=self.on, count=self.count)
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            "treaty": treaty,
            "rows": rows,
            "counts": status_counts(row.status for row in rows),
            **summary_context(treaty=treaty, on=self.on, count=self.count),
        }


def summary_context(*, treaty: Treaty, on: datetime.date, count: str) -> dict:
    """The regional summary (default scheme) with its freshness, for a page that shows them."""
    scheme = RegionScheme.objects.filter(slug=DEFAULT_SCHEME_SLUG).first()
    rows = region_summary_rows(treaty=treaty, scheme=scheme, on=on, count=count) if scheme else []
    return {
        "scheme": scheme,
        "region_rows": rows,
        "freshness": summary_freshness(treaty=treaty),
        "computed_on_demand": bool(rows) and rows[0].computed_at is None,
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


def _treaty_from(request: HttpRequest) -> Treaty:
    return get_object_or_404(Treaty, slug=request.GET.get("treaty") or settings.DEFAULT_TREATY_SLUG)


class RegionSummaryExportView(AsOfMixin, View):
    """`/regions.csv?treaty=&scheme=&date=&count=`: one row per region of the scheme, then "(no region)" if any."""

    def get(self, request: HttpRequest) -> HttpResponse:
        treaty = _treaty_from(request)
        scheme = get_object_or_404(RegionScheme, slug=request.GET.get("scheme") or DEFAULT_SCHEME_SLUG)
        rows = region_summary_rows(treaty=treaty, scheme=scheme, on=self.on, count=self.count)
        return csv_response(
            exports.REGION_SUMMARY_HEADER,
            exports.region_summary_rows(rows, scheme),
            filename=export_filename(treaty.slug, "regions", scheme.slug, on=self.on),
            bom=request.GET.get("bom") == "1",
        )


class ForumSummaryExportView(AsOfMixin, View):
    """`/forums.csv?treaty=&date=&count=`: one row per forum, counting its members on the date."""

    def get(self, request: HttpRequest) -> HttpResponse:
        treaty = _treaty_from(request)
        rows = forum_summary_rows(treaty=treaty, on=self.on, count=self.count)
        return csv_response(
            exports.FORUM_SUMMARY_HEADER,
            exports.forum_summary_rows(rows),
            filename=export_filename(treaty.slug, "forums", on=self.on),
            bom=request.GET.get("bom") == "1",
        )
