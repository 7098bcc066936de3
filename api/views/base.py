"""What every API view shares: the envelope (`answer`), the date and count read by the pages' own form,
the schema's common parameters, and the base classes that answer in English and allow reads only."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.versioning import data_version
from treaties.forms import AsOfForm

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
