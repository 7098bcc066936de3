"""Figures on a date: where every participant stands, the summaries per grouping, the series over
time and the side-by-side comparison, from the same selectors as the pages."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api import serializers as s
from api.versioning import data_version
from api.views.base import COUNT_PARAM, DATE_PARAM, SCHEME_PARAM, ReadOnly, answer, as_of, form_errors, slug_or_404
from countries.models import Forum, Region, RegionScheme
from treaties.models import Treaty
from treaties.selectors import (
    NO_REGION,
    forum_summary_rows,
    forum_time_series,
    region_summary_rows,
    region_time_series,
    status_counts,
    summary_time_series,
    treaty_status_rows,
    world_summary,
)
from treaties.selectors.compare import compare_rows, filter_compare_rows, sort_compare_rows
from treaties.summaries import FORUMS_PANEL, WORLD_PANEL, scheme_panel
from treaties.views.family import CompareForm

# -- Figures on a date ---------------------------------------------------------------------------


def status_item(row) -> dict:
    st = row.status
    return {
        "iso3": row.country.iso3,
        "country": row.country.name,
        "status": st.status,
        "on_board": st.on_board,
        "signature_date": st.signature_date,
        "consent_kind": st.consent_kind,
        "consent_date": st.consent_date,
        "in_force_date": st.in_force_date,
        "withdrawal_notice_date": st.withdrawal_notice_date,
        "withdrawal_effective_date": st.withdrawal_effective_date,
        "provisional_application_date": st.provisional_application_date,
        "stance": st.stance,
    }


class TreatyStatus(ReadOnly):
    @extend_schema(
        parameters=[DATE_PARAM, COUNT_PARAM],
        responses={200: s.StatusPage, 400: s.ApiErrors},
        summary="Where every participant stands under a treaty on a date (the status page and status.csv)",
    )
    def get(self, request: Request, slug: str) -> Response:
        on, count = as_of(request)
        treaty = slug_or_404(Treaty, slug)
        rows = treaty_status_rows(treaty=treaty, on=on, count=count)
        return answer(
            s.StatusSerializer([status_item(r) for r in rows], many=True).data,
            on=on,
            treaty=treaty.slug,
            count=count,
            counts=status_counts(r.status for r in rows),
        )


def summary_item(row) -> dict:
    return {
        **row.as_dict(),
        "key": row.key,
        "label": row.label_en,
        "slug": (row.region.slug if row.region else row.forum.slug if row.forum else ""),
        "date": row.date,
        "computed_at": row.computed_at,
        "pending": row.pending,
    }


class TreatySummaries(ReadOnly):
    @extend_schema(
        parameters=[DATE_PARAM, COUNT_PARAM, SCHEME_PARAM],
        responses={200: s.SummaryPage, 400: s.ApiErrors},
        summary="A treaty's figures on a date: all participants, per region of a scheme, or per forum",
    )
    def get(self, request: Request, slug: str) -> Response:
        on, count = as_of(request)
        treaty = slug_or_404(Treaty, slug)
        grouping = request.query_params.get("scheme") or WORLD_PANEL
        if grouping == WORLD_PANEL:
            rows = [world_summary(treaty=treaty, on=on, count=count)]
        elif grouping == FORUMS_PANEL:
            rows = forum_summary_rows(treaty=treaty, on=on, count=count)
        else:
            scheme = RegionScheme.objects.filter(slug=grouping).first()
            if scheme is None:
                raise ValidationError({"scheme": [f"Choose world, forums or a region scheme: {self.schemes()}."]})
            rows = region_summary_rows(treaty=treaty, scheme=scheme, on=on, count=count)
        return Response(
            {
                "date": on,
                "data_version": data_version(),
                "treaty": treaty.slug,
                "count": count,
                "scheme": grouping,
                "results": s.SummaryRowSerializer([summary_item(r) for r in rows], many=True).data,
            }
        )

    @staticmethod
    def schemes() -> str:
        return ", ".join(RegionScheme.objects.order_by("slug").values_list("slug", flat=True))


class TreatySeries(ReadOnly):
    @extend_schema(
        parameters=[
            COUNT_PARAM,
            SCHEME_PARAM,
            OpenApiParameter("group", str, description="One group of the scheme: a region's or forum's slug."),
        ],
        responses={200: s.SeriesPage, 400: s.ApiErrors},
        summary="The stored figures over time (series.csv)",
    )
    def get(self, request: Request, slug: str) -> Response:
        _, count = as_of(request)
        treaty = slug_or_404(Treaty, slug)
        grouping = request.query_params.get("scheme") or WORLD_PANEL
        group = request.query_params.get("group") or ""
        scheme = None
        if grouping not in (WORLD_PANEL, FORUMS_PANEL):
            scheme = RegionScheme.objects.filter(slug=grouping).first()
            if scheme is None:
                raise ValidationError(
                    {"scheme": [f"Choose world, forums or a region scheme: {TreatySummaries.schemes()}."]}
                )
        if not group:
            panel = scheme_panel(scheme.pk) if scheme else grouping
            rows = summary_time_series(treaty=treaty, count=count, panel=panel, scheme=scheme)
        elif scheme is not None:
            region = None if group == NO_REGION else Region.objects.filter(scheme=scheme, slug=group).first()
            if region is None and group != NO_REGION:
                raise ValidationError({"group": [f"No region {group[:40]!r} in {scheme.slug}."]})
            rows = region_time_series(treaty=treaty, count=count, scheme=scheme, region=region)
        elif grouping == FORUMS_PANEL:
            forum = Forum.objects.filter(slug=group).first()
            if forum is None:
                raise ValidationError({"group": [f"No forum {group[:40]!r}."]})
            rows = forum_time_series(treaty=treaty, count=count, forum=forum)
        else:
            raise ValidationError({"group": ["All participants are one group: leave out group, or choose a scheme."]})
        return Response(
            {
                "date": None,
                "data_version": data_version(),
                "treaty": treaty.slug,
                "count": count,
                "scheme": grouping,
                "group": group,
                "results": s.SummaryRowSerializer([summary_item(r) for r in rows], many=True).data,
            }
        )


class Compare(ReadOnly):
    @extend_schema(
        parameters=[
            DATE_PARAM,
            COUNT_PARAM,
            OpenApiParameter("treaties", str, description="Slugs joined by commas, in column order (all when blank)."),
            OpenApiParameter("region", str, description="scheme:region, e.g. m49:asia."),
            OpenApiParameter("forum", str, description="A forum's slug."),
            OpenApiParameter("sort", str, description="country or a compared treaty's slug, - to reverse."),
            OpenApiParameter("where", str, many=True, description="slug:condition, e.g. ccw-p2a:party (repeatable)."),
        ],
        responses={200: s.ComparePage, 400: s.ApiErrors},
        summary="Several treaties side by side, a row per participant (the compare page)",
    )
    def get(self, request: Request) -> Response:
        on, count = as_of(request)
        form = CompareForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        params = form.cleaned_data
        comparison = compare_rows(
            treaties=params["treaties"], on=on, count=count, region=params["region"], forum=params["forum"]
        )
        rows = filter_compare_rows(comparison.rows, params["conditions"])
        rows = sort_compare_rows(rows, column=params["sort_column"], descending=params["descending"])
        slugs = [t.slug for t in comparison.treaties]
        results = [
            {
                "iso3": row.country.iso3,
                "country": row.country.name,
                "cells": [
                    {
                        "treaty": slug,
                        "status": st.status,
                        "on_board": st.on_board,
                        "stance": st.stance,
                        "stance_since": since,
                    }
                    for slug, (st, since) in zip(slugs, row.cells(), strict=True)
                ],
            }
            for row in rows
        ]
        return Response(
            {
                "date": on,
                "data_version": data_version(),
                "count": count,
                "columns": [
                    {"treaty": slug, "counts": counts.as_dict()}
                    for slug, counts in zip(slugs, comparison.counts, strict=True)
                ],
                "results": s.CompareRowSerializer(results, many=True).data,
            }
        )
