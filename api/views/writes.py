"""Events: the list and one event for anyone; create, change and retract for editors with a token,
through the admin's services (their checks, the version rule, the history naming the user)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from api import serializers as s
from api.filters import EventFilterSet
from api.versioning import data_version
from api.views.base import InEnglish, answer
from ottawa_tracker.versioning import StaleEdit
from treaties import services
from treaties.models import StatusEvent
from treaties.selectors import status_event_list

# The reason every API write leaves in the history, beside the token's user.
API_REASON = "API"


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
