"""The record as it stands: treaties with their rules and obligations, countries, region schemes, forums.

No date is asked: these answers carry `date: null`, and each reads its relations in a fixed number
of queries whatever the number of rows.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api import serializers as s
from api.views.base import ReadOnly, answer
from countries.models import Country, CountrySuccession, Forum, ForumMembership, Region, RegionAssignment, RegionScheme
from treaties.models import Obligation, Treaty

# A treaty's obligations with the one each follows, in their page order: one query for all treaties.
OBLIGATIONS = Prefetch("obligations", Obligation.objects.select_related("follows").order_by("order", "slug"))


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
