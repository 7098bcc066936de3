"""The CSV views: "export what you see", each through the same selector as its page.

Every one is a `CsvExportMixin` (the export limit, `?bom=1`, the file name); the columns and rows
come from `treaties/exports.py`.
"""

from django import forms
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View

from countries.models import Forum, Region, RegionScheme
from ottawa_tracker.csvio import csv_stream_response
from treaties import exports as columns
from treaties.charts import year_end_points
from treaties.models import Treaty
from treaties.selectors import (
    NO_REGION,
    forum_member_rows,
    forum_summary_rows,
    forum_time_series,
    region_country_rows,
    region_summary_rows,
    region_time_series,
    summary_time_series,
    treaty_status_rows,
)
from treaties.summaries import FORUMS_PANEL, REPORTED_FIGURES, WORLD_PANEL, scheme_panel
from treaties.views.mixins import (
    AsOfMixin,
    CsvExportMixin,
    EventFilterMixin,
    StatusTableMixin,
    TreatyChoiceMixin,
    bad_request,
    chosen_scheme_or_404,
    get_by_slug_or_404,
    scheme_region_or_404,
)


class TreatyStatusExportView(CsvExportMixin, AsOfMixin, StatusTableMixin, View):
    """`/treaties/<slug>/status.csv`: one row per participant existing on the date, those `show` keeps
    in the `sort` order (the page's table)."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        treaty = get_object_or_404(Treaty, slug=slug)
        rows = self.table_rows(treaty_status_rows(treaty=treaty, on=self.on, count=self.count))
        return self.csv(
            columns.STATUS_HEADER, columns.status_rows(rows), treaty.slug, "status", self.show_part, on=self.on
        )


class RegionCountryExportView(CsvExportMixin, TreatyChoiceMixin, StatusTableMixin, View):
    """`/regions/<scheme>/<region>/countries.csv`: the region's participants and their status, as the
    page's table shows them (`show`, `sort`)."""

    def get(self, request: HttpRequest, scheme: str, region: str) -> HttpResponse:
        scheme_obj, region_obj = scheme_region_or_404(scheme, region)
        rows = self.table_rows(
            region_country_rows(treaty=self.treaty, scheme=scheme_obj, region=region_obj, on=self.on, count=self.count)
        )
        label = region_obj.name if region_obj else ""
        return self.csv(
            ("scheme", "region", *columns.STATUS_HEADER),
            ((scheme_obj.slug, label, *row) for row in columns.status_rows(rows)),
            self.treaty.slug,
            scheme_obj.slug,
            region,
            self.show_part,
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


class ForumMemberExportView(CsvExportMixin, TreatyChoiceMixin, StatusTableMixin, View):
    """`/forums/<slug>/members.csv`: the forum's seats on the date, with role and status, as the page's
    table shows them (`show`, `sort`, by role too)."""

    table_role = True

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        forum = get_object_or_404(Forum, slug=slug)
        seats = self.table_rows(forum_member_rows(treaty=self.treaty, forum=forum, on=self.on, count=self.count).rows)
        return self.csv(
            ("forum", "role", *columns.STATUS_HEADER),
            (
                (forum.slug, member.membership.role, *row)
                for member, row in zip(seats, columns.status_rows(seats), strict=True)
            ),
            self.treaty.slug,
            forum.slug,
            "members",
            self.show_part,
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
    """`/treaties/<slug>/series.csv?scheme=&group=&points=&shape=&figure=&count=`: the stored summaries over time.

    `scheme` is `world` (all participants, the default), `forums`, or a region scheme's slug; `group`
    keeps one group of it (a forum's or region's slug, or `no-region`; an unknown one is a 404).
    `points=all` (the default) gives every stored date, `year_end` each 31 December and the latest
    date. `shape=long` (the default) is a row per date and group with every figure, the format this
    export always had; `shape=wide` is a row per date and a column per group, headed by the group's
    slug (`no-region` for those in none, `world` for all participants), each cell the `figure` chosen:
    one of the figures of the long shape, states on board (`on_board`) by default (the long shape has
    them all and ignores it). A bad value is a 400 that offers the choices again.
    """

    class Options(forms.Form):
        """How the series is cut; blank means the default."""

        points = forms.ChoiceField(
            required=False,
            choices=[("all", "Every stored date"), ("year_end", "Each 31 December, and the latest date")],
        )
        shape = forms.ChoiceField(
            required=False,
            choices=[("long", "A row per date and group"), ("wide", "A row per date, a column per group")],
        )
        figure = forms.ChoiceField(
            required=False, choices=[(name, name) for name in REPORTED_FIGURES], help_text="The wide shape's value."
        )

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        options = self.Options(request.GET)
        if not options.is_valid():
            return bad_request(request, options.errors, form=options, submit="Download")
        points = options.cleaned_data["points"] or "all"
        shape = options.cleaned_data["shape"] or "long"
        figure = options.cleaned_data["figure"] or "on_board"
        treaty = get_object_or_404(Treaty, slug=slug)
        grouping = request.GET.get("scheme") or WORLD_PANEL
        group = request.GET.get("group") or ""
        if group and not slug_re.fullmatch(group):
            raise Http404("No such group")  # anything but a slug names no group
        scheme = None
        if grouping in (WORLD_PANEL, FORUMS_PANEL):
            panel = grouping
        else:
            scheme = get_by_slug_or_404(RegionScheme, grouping)
            panel = scheme_panel(scheme.pk)
        if not group:
            rows = summary_time_series(treaty=treaty, count=self.count, panel=panel, scheme=scheme)
        elif scheme is not None:
            region = None if group == NO_REGION else get_object_or_404(Region, scheme=scheme, slug=group)
            rows = region_time_series(treaty=treaty, count=self.count, scheme=scheme, region=region)
        elif panel == FORUMS_PANEL:
            rows = forum_time_series(treaty=treaty, count=self.count, forum=get_by_slug_or_404(Forum, group))
        else:
            return bad_request(
                request, {"group": ["All participants are one group: leave out group, or choose a scheme."]}
            )
        if points == "year_end":
            rows = year_end_points(rows)
        name = [treaty.slug, grouping, group, "over-time", "year-end" if points == "year_end" else ""]
        if shape == "wide":
            header, wide = columns.summary_series_wide(rows, figure)
            return self.csv(header, wide, *name, "wide", figure, on=self.on)
        return self.csv(columns.SERIES_HEADER, columns.summary_series_rows(rows, grouping), *name, on=self.on)


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
