"""The CSV views: "export what you see", each through the same selector as its page.

Every one is a `CsvExportMixin` (the export limit, `?bom=1`, the file name); the columns and rows
come from `treaties/exports.py`.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View

from countries.models import Forum, RegionScheme
from ottawa_tracker.csvio import csv_stream_response
from treaties import exports as columns
from treaties.models import Treaty
from treaties.selectors import (
    forum_member_rows,
    forum_summary_rows,
    region_country_rows,
    region_summary_rows,
    summary_time_series,
    treaty_status_rows,
)
from treaties.summaries import FORUMS_PANEL, WORLD_PANEL, scheme_panel
from treaties.views.mixins import (
    AsOfMixin,
    CsvExportMixin,
    EventFilterMixin,
    TreatyChoiceMixin,
    chosen_scheme_or_404,
    get_by_slug_or_404,
    scheme_region_or_404,
)


class TreatyStatusExportView(CsvExportMixin, AsOfMixin, View):
    """`/treaties/<slug>/status.csv`: one row per participant existing on the date."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        treaty = get_object_or_404(Treaty, slug=slug)
        rows = treaty_status_rows(treaty=treaty, on=self.on, count=self.count)
        return self.csv(columns.STATUS_HEADER, columns.status_rows(rows), treaty.slug, "status", on=self.on)


class RegionCountryExportView(CsvExportMixin, TreatyChoiceMixin, View):
    """`/regions/<scheme>/<region>/countries.csv`: the region's participants and their status."""

    def get(self, request: HttpRequest, scheme: str, region: str) -> HttpResponse:
        scheme_obj, region_obj = scheme_region_or_404(scheme, region)
        rows = region_country_rows(
            treaty=self.treaty, scheme=scheme_obj, region=region_obj, on=self.on, count=self.count
        )
        label = region_obj.name if region_obj else ""
        return self.csv(
            ("scheme", "region", *columns.STATUS_HEADER),
            ((scheme_obj.slug, label, *row) for row in columns.status_rows(rows)),
            self.treaty.slug,
            scheme_obj.slug,
            region,
            on=self.on,
        )


class RegionSummaryExportView(CsvExportMixin, TreatyChoiceMixin, View):
    """`/regions.csv?treaty=&scheme=&date=&count=`: one row per region of the scheme, then "(no region)" if any."""

    def get(self, request: HttpRequest) -> HttpResponse:
        scheme = chosen_scheme_or_404(request)
        rows = region_summary_rows(treaty=self.treaty, scheme=scheme, on=self.on, count=self.count)
        return self.csv(
            columns.REGION_SUMMARY_HEADER,
            columns.region_summary_rows(rows, scheme),
            self.treaty.slug,
            "regions",
            scheme.slug,
            on=self.on,
        )


class ForumMemberExportView(CsvExportMixin, TreatyChoiceMixin, View):
    """`/forums/<slug>/members.csv`: the forum's seats on the date, with role and status."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        forum = get_object_or_404(Forum, slug=slug)
        members = forum_member_rows(treaty=self.treaty, forum=forum, on=self.on, count=self.count)
        return self.csv(
            ("forum", "role", *columns.STATUS_HEADER),
            (
                (forum.slug, member.membership.role, *row)
                for member, row in zip(members.rows, columns.status_rows(members.rows), strict=True)
            ),
            self.treaty.slug,
            forum.slug,
            "members",
            on=self.on,
        )


class ForumSummaryExportView(CsvExportMixin, TreatyChoiceMixin, View):
    """`/forums.csv?treaty=&date=&count=`: one row per forum, counting its members on the date."""

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = forum_summary_rows(treaty=self.treaty, on=self.on, count=self.count)
        return self.csv(
            columns.FORUM_SUMMARY_HEADER, columns.forum_summary_rows(rows), self.treaty.slug, "forums", on=self.on
        )


class SummarySeriesExportView(CsvExportMixin, AsOfMixin, View):
    """`/treaties/<slug>/series.csv?scheme=&count=`: the stored summaries over time, a row per date and group.

    `scheme` is `world` (all participants, the default), `forums`, or a region scheme's slug.
    """

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        treaty = get_object_or_404(Treaty, slug=slug)
        grouping = request.GET.get("scheme") or WORLD_PANEL
        scheme = None
        if grouping in (WORLD_PANEL, FORUMS_PANEL):
            panel = grouping
        else:
            scheme = get_by_slug_or_404(RegionScheme, grouping)
            panel = scheme_panel(scheme.pk)
        rows = summary_time_series(treaty=treaty, count=self.count, panel=panel, scheme=scheme)
        return self.csv(
            columns.SERIES_HEADER,
            columns.summary_series_rows(rows, grouping),
            treaty.slug,
            grouping,
            "over-time",
            on=self.on,
        )


class EventExportView(CsvExportMixin, EventFilterMixin, View):
    """`/events.csv`: every event the list shows for the same filters, all pages of them.

    Its rows are streamed by `event_csv_chunks` (PostgreSQL's COPY where it can), not `self.csv`;
    `names=1` appends the country's name and a consent's entry into force. The file is named after
    the filters (ottawa-events-africa-ratification-1998-01-01-to-2000-12-31.csv).
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        parts, when = columns.event_export_name(self.filterset.form.cleaned_data, today=timezone.localdate())
        names = request.GET.get("names") == "1"
        return csv_stream_response(
            columns.event_csv_chunks(self.filterset.qs, bom=self.bom, names=names),
            filename=self.filename(*parts, on=when),
        )
