"""The API's views: thin, each reading its parameters through the same forms as the pages (so a bad
value is a 400 with the same words), answering from the same selectors, and writing through the same
services as the admin. Every answer is an envelope with the date asked and the data version."""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import translation
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.filters import EventFilterSet
from api.versioning import data_version
from countries.models import Country, CountrySuccession, Forum, ForumMembership, Region, RegionAssignment, RegionScheme
from ottawa_tracker.versioning import StaleEdit
from treaties import services
from treaties.forms import AsOfForm
from treaties.models import Obligation, StatusEvent, Treaty
from treaties.selectors import (
    NO_REGION,
    forum_summary_rows,
    forum_time_series,
    region_summary_rows,
    region_time_series,
    status_counts,
    status_event_list,
    summary_time_series,
    treaty_status_rows,
    world_summary,
)
from treaties.selectors.compare import compare_rows, filter_compare_rows, sort_compare_rows
from treaties.summaries import FORUMS_PANEL, WORLD_PANEL, scheme_panel
from treaties.views.family import CompareForm

# A treaty's obligations with the one each follows, in their page order: one query for all treaties.
OBLIGATIONS = Prefetch("obligations", Obligation.objects.select_related("follows").order_by("order", "slug"))

# The reason every API write leaves in the history, beside the token's user.
API_REASON = "API"

DATE_PARAM = OpenApiParameter("date", OpenApiTypes.DATE, description="YYYY-MM-DD, 1900-01-01 to 2100-12-31; today.")
COUNT_PARAM = OpenApiParameter(
    "count", str, enum=["in_force", "deposit"], description="Count parties from entry into force or from deposit."
)
SCHEME_PARAM = OpenApiParameter("scheme", str, description="world (default), forums, or a region scheme's slug.")


def form_errors(form) -> dict[str, list[str]]:
    return {("non_field_errors" if k == "__all__" else k): list(v) for k, v in form.errors.items()}


def as_of(request: Request) -> tuple[datetime.date, str]:
    """`date` and `count` read by the pages' own form: the same defaults, bounds and messages."""
    form = AsOfForm(request.query_params)
    if not form.is_valid():
        raise ValidationError(form_errors(form))
    return form.cleaned_data["date"], form.cleaned_data["count"]


def answer(results, *, on: datetime.date | None, status_code=200, **extra) -> Response:
    """The envelope: the date asked, the data version, `extra`, then `results`."""
    return Response({"date": on, "data_version": data_version(), **extra, "results": results}, status=status_code)


def slug_or_404(model, value: str):
    return get_object_or_404(model, slug=value)


class InEnglish:
    """The API answers in English whatever language a request asks for (a cookie, Accept-Language): names,
    labels and messages, rendered inside, so scripts never change."""

    def dispatch(self, request, *args, **kwargs):
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response


class ReadOnly(InEnglish, APIView):
    """Anonymous reads; nothing here writes."""

    permission_classes = [permissions.AllowAny]
    http_method_names = ["get", "head", "options"]


# -- The record ----------------------------------------------------------------------------------


class TreatyList(ReadOnly):
    @extend_schema(
        responses=s.TreatyList,
        operation_id="treaties_list",
        summary="Every treaty, with its rules, parent and protocols",
    )
    def get(self, request: Request) -> Response:
        treaties = Treaty.objects.select_related("parent").prefetch_related("protocols", OBLIGATIONS).order_by("slug")
        return answer(s.TreatySerializer(treaties, many=True).data, on=None)


class TreatyDetail(ReadOnly):
    @extend_schema(responses=s.TreatyOne, operation_id="treaties_retrieve", summary="One treaty")
    def get(self, request: Request, slug: str) -> Response:
        treaty = get_object_or_404(
            Treaty.objects.select_related("parent").prefetch_related("protocols", OBLIGATIONS), slug=slug
        )
        return answer(s.TreatySerializer(treaty).data, on=None)


def countries_with_relations():
    return Country.objects.order_by("name").prefetch_related(
        Prefetch("successions", CountrySuccession.objects.select_related("successor").order_by("date")),
        Prefetch("region_assignments", RegionAssignment.objects.select_related("scheme", "region")),
        Prefetch("forum_memberships", ForumMembership.objects.select_related("forum").order_by("start_date")),
    )


class CountryList(ReadOnly):
    @extend_schema(
        responses=s.CountryList,
        operation_id="countries_list",
        summary="Every country: codes, lifespan, successors, regions, seats",
    )
    def get(self, request: Request) -> Response:
        return answer(s.CountrySerializer(countries_with_relations(), many=True).data, on=None)


class CountryDetail(ReadOnly):
    @extend_schema(responses=s.CountryOne, operation_id="countries_retrieve", summary="One country by ISO alpha-3")
    def get(self, request: Request, iso3: str) -> Response:
        country = get_object_or_404(countries_with_relations(), iso3=iso3.upper())
        return answer(s.CountrySerializer(country).data, on=None)


class SchemeList(ReadOnly):
    @extend_schema(
        responses=s.SchemeList,
        operation_id="schemes_list",
        summary="Region schemes and their regions, with their countries",
    )
    def get(self, request: Request) -> Response:
        schemes = RegionScheme.objects.order_by("name").prefetch_related(
            Prefetch(
                "regions",
                Region.objects.order_by("name").prefetch_related(
                    Prefetch(
                        "assignments", RegionAssignment.objects.select_related("country").order_by("country__iso3")
                    )
                ),
            )
        )
        return answer(s.SchemeSerializer(schemes, many=True).data, on=None)


def forums_with_memberships():
    memberships = ForumMembership.objects.select_related("country").order_by("country__iso3", "start_date")
    return Forum.objects.order_by("name").prefetch_related(Prefetch("memberships", memberships))


class ForumList(ReadOnly):
    @extend_schema(responses=s.ForumList, operation_id="forums_list", summary="Forums and their memberships over time")
    def get(self, request: Request) -> Response:
        return answer(s.ForumSerializer(forums_with_memberships(), many=True).data, on=None)


class ForumDetail(ReadOnly):
    @extend_schema(responses=s.ForumOne, operation_id="forums_retrieve", summary="One forum")
    def get(self, request: Request, slug: str) -> Response:
        return answer(s.ForumSerializer(get_object_or_404(forums_with_memberships(), slug=slug)).data, on=None)


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


# -- Events: read by anyone, written by editors with a token --------------------------------------


class EventPagination(CursorPagination):
    """Cursor pages in the event list's order; each page in the envelope too."""

    page_size = 100
    ordering = ("date", "id")

    def get_paginated_response(self, data):
        return Response(
            {
                "date": None,
                "data_version": data_version(),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["date", "data_version", "next", "previous", "results"],
            "properties": {
                "date": {"type": "string", "format": "date", "nullable": True},
                "data_version": {"type": "string"},
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }


class EventWritePermission(permissions.DjangoModelPermissions):
    """Reads for anyone; a write for staff whose groups give the admin's permission for it (editors:
    add and change; viewers: neither). Retracting is a change, as in the admin."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and super().has_permission(request, view))


class EventViewSet(
    InEnglish, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """`/api/v1/events/`: the event list (the same filters as `/events/`), one event, and an editor's
    create, change (PATCH, naming the version read) and retraction, through the admin's services."""

    serializer_class = s.EventSerializer
    pagination_class = EventPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = EventFilterSet
    permission_classes = [EventWritePermission]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return status_event_list()

    @extend_schema(summary="The event list, with the filters of /events/, 100 a page by cursor")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.EventOne, 404: s.ApiErrors}, summary="One event")
    def retrieve(self, request, *args, **kwargs):
        event = self.get_object()
        return answer(s.EventSerializer(event).data, on=None)

    @extend_schema(
        request=s.EventSerializer,
        responses={201: s.EventOne, 400: s.ApiErrors, 401: s.ApiErrors, 403: s.ApiErrors},
        summary="Record an event (editors)",
    )
    def create(self, request, *args, **kwargs):
        serializer = s.EventSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "version"}
        event = StatusEvent(**data)
        self.save(event, request)
        return answer(s.EventSerializer(event).data, on=None, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.EventSerializer(partial=True),
        responses={200: s.EventOne, 400: s.ApiErrors, 403: s.ApiErrors, 404: s.ApiErrors, 409: s.StaleSerializer},
        summary="Change an event (editors): name the version you read",
    )
    def partial_update(self, request, *args, **kwargs):
        event = self.get_object()
        serializer = s.EventSerializer(event, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "version" not in serializer.validated_data:
            raise ValidationError({"version": ["Give the version you read, so a change made since is not lost."]})
        for name, value in serializer.validated_data.items():
            setattr(event, name, value)
        self.save(event, request)
        return answer(s.EventSerializer(event).data, on=None)

    @extend_schema(
        request=s.RetractSerializer,
        responses={200: s.EventOne, 400: s.ApiErrors, 403: s.ApiErrors, 404: s.ApiErrors, 409: s.StaleSerializer},
        summary="Retract an event (editors), saying why",
    )
    @action(detail=True, methods=["post"])
    def retract(self, request, pk=None):
        event = self.get_object()
        body = s.RetractSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event.version = body.validated_data["version"]
        try:
            services.status_event_retract(event=event, user=request.user, reason=body.validated_data["reason"])
        except StaleEdit as exc:
            return self.stale(exc, event.pk)
        except DjangoValidationError as exc:
            raise ValidationError(validation_messages(exc)) from exc
        return answer(s.EventSerializer(event).data, on=None)

    def save(self, event: StatusEvent, request) -> None:
        """Through the admin's service: its checks, the version rule, the history naming the user."""
        try:
            services.status_event_save(event=event, user=request.user, reason=API_REASON)
        except StaleEdit as exc:
            raise Stale(self.stale(exc, event.pk)) from exc
        except DjangoValidationError as exc:
            raise ValidationError(validation_messages(exc)) from exc

    @staticmethod
    def stale(exc: StaleEdit, pk) -> Response:
        current = StatusEvent.all_objects.select_related("treaty", "country").filter(pk=pk).first()
        return Response(
            {"detail": exc.messages[0], "current": s.EventSerializer(current).data if current else None},
            status=status.HTTP_409_CONFLICT,
        )

    def handle_exception(self, exc):
        if isinstance(exc, Stale):
            return exc.response
        return super().handle_exception(exc)


class Stale(Exception):
    """Carries the 409 answer out of `save`."""

    def __init__(self, response: Response):
        super().__init__("stale")
        self.response = response


def validation_messages(exc: DjangoValidationError) -> dict[str, list[str]]:
    """The admin's messages, by field (`non_field_errors` for the whole event)."""
    if hasattr(exc, "error_dict"):
        return {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
    return {"non_field_errors": exc.messages}
