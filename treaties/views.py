"""Thin views: read the state from the URL, call one selector, render."""

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from ottawa_tracker.csvio import csv_response, csv_stream_response, export_filename
from treaties import exports
from treaties.choices import CountBasis
from treaties.filtersets import StatusEventFilterSet
from treaties.forms import AsOfForm
from treaties.models import Treaty
from treaties.selectors import event_filter_choices, status_counts, status_event_list, treaty_status_rows


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


class EventFilterMixin:
    """Reads the event filters from the URL through the one FilterSet; a malformed value gets a 400 page."""

    filterset: StatusEventFilterSet

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.filterset = StatusEventFilterSet(request.GET, queryset=status_event_list())
        if not self.filterset.is_valid():
            return bad_request(request, self.filterset.errors)
        return super().dispatch(request, *args, **kwargs)


class EventListView(EventFilterMixin, ListView):
    """`/events/`: every event matching the filters, a page at a time, with its source."""

    template_name = "treaties/event_list.html"
    context_object_name = "events"
    paginate_by = 100

    def get_queryset(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs) -> dict:
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            **event_filter_choices(),
            "filterset": self.filterset,
            "chosen": {name: self.request.GET.getlist(name) for name in self.filterset.filters},
            "query": query.urlencode(),
        }


class EventExportView(EventFilterMixin, View):
    """`/events.csv`: every event the list shows for the same filters, all pages of them."""

    def get(self, request: HttpRequest) -> HttpResponse:
        cleaned = self.filterset.form.cleaned_data
        treaties = {t.slug for t in [*(cleaned.get("treaty") or []), *(cleaned.get("treaty_id") or [])]}
        # One treaty names the file after it (ottawa-events-2026-11-27.csv); otherwise all-events-...
        what = treaties.pop() if len(treaties) == 1 else "all"
        return csv_stream_response(
            exports.event_csv_chunks(self.filterset.qs, bom=request.GET.get("bom") == "1"),
            filename=export_filename(what, "events", on=timezone.localdate()),
        )
