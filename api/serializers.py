"""What the API answers, field by field: the record's rows as JSON (dates ISO, codes ISO) and the
envelope every answer comes in (`date` asked, `data_version`), so the OpenAPI schema says it all."""

from rest_framework import serializers

from countries.models import Country, Forum, RegionScheme
from treaties.choices import CountBasis, DatePrecision, EventKind
from treaties.models import Obligation, StatusEvent, Treaty

# -- The envelope --------------------------------------------------------------------------------


class Envelope(serializers.Serializer):
    """Every answer: the date asked (null where the answer holds for every date) and the data version,
    which changes whenever a write may have moved a figure."""

    date = serializers.DateField(allow_null=True, help_text="The date asked (YYYY-MM-DD), today when not given.")
    data_version = serializers.CharField(
        help_text="The site's data version (as in the pages' ETags): it changes with every write that may move "
        "an answer, and at midnight."
    )


def envelope(name: str, item: serializers.Field, **fields: serializers.Field) -> type[Envelope]:
    """An Envelope class named `name` whose `results` is `item` (plus any other `fields`)."""
    return type(name, (Envelope,), {**fields, "results": item, "__doc__": Envelope.__doc__})


# -- Treaties ------------------------------------------------------------------------------------


class TreatyRuleSerializer(serializers.ModelSerializer):
    """The treaty's rules for one State, as data."""

    class Meta:
        model = Treaty
        fields = (
            "late_eif_unit",
            "late_eif_count",
            "withdrawal_unit",
            "withdrawal_count",
            "withdrawal_armed_conflict_hold",
            "provisional_application",
            "stance_lapse_years",
        )


class ObligationSerializer(serializers.ModelSerializer):
    """An obligation the treaty puts on each State Party, with its clock (treaties/obligations.py applies it)."""

    follows = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Obligation
        fields = (
            "slug",
            "name",
            "article",
            "clock",
            "period_unit",
            "period_count",
            "yearly_month",
            "yearly_day",
            "covers",
            "follows",
            "extendable",
            "source",
        )


class TreatySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    protocols = serializers.SlugRelatedField(slug_field="slug", read_only=True, many=True)
    rules = TreatyRuleSerializer(source="*", read_only=True)
    obligations = ObligationSerializer(many=True, read_only=True)

    class Meta:
        model = Treaty
        fields = (
            "slug",
            "short_name",
            "title",
            "parent",
            "protocols",
            "adopted",
            "opened_for_signature",
            "signature_closes",
            "entry_into_force",
            "eif_instruments",
            "eif_threshold_date",
            "depositary",
            "reference",
            "url",
            "source",
            "rules",
            "obligations",
            "version",
        )


# -- Countries, regions, forums ------------------------------------------------------------------


class SuccessionSerializer(serializers.Serializer):
    successor = serializers.CharField(source="successor.iso3", help_text="ISO alpha-3 of the successor.")
    date = serializers.DateField()
    continuation = serializers.BooleanField()


class CountryRegionSerializer(serializers.Serializer):
    scheme = serializers.CharField(source="scheme.slug")
    region = serializers.CharField(source="region.slug")
    name = serializers.CharField(source="region.name")


class SeatSerializer(serializers.Serializer):
    forum = serializers.CharField(source="forum.slug")
    role = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    start_precision = serializers.CharField()
    end_date = serializers.DateField(allow_null=True, help_text="The first day the country was no longer in.")


class CountrySerializer(serializers.ModelSerializer):
    successors = SuccessionSerializer(source="successions", many=True, read_only=True)
    regions = CountryRegionSerializer(source="region_assignments", many=True, read_only=True)
    forum_seats = SeatSerializer(source="forum_memberships", many=True, read_only=True)

    class Meta:
        model = Country
        fields = (
            "iso3",
            "iso2",
            "m49",
            "name",
            "official_name",
            "kind",
            "participant",
            "valid_from",
            "valid_until",
            "successors",
            "regions",
            "forum_seats",
        )


class RegionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    code = serializers.CharField()
    countries = serializers.SerializerMethodField(help_text="ISO alpha-3 codes of the countries placed in it.")

    def get_countries(self, region) -> list[str]:
        return [a.country.iso3 for a in region.assignments.all()]


class SchemeSerializer(serializers.ModelSerializer):
    regions = RegionSerializer(many=True, read_only=True)

    class Meta:
        model = RegionScheme
        fields = ("slug", "name", "description", "source", "regions")


class MembershipSerializer(serializers.Serializer):
    country = serializers.CharField(source="country.iso3")
    role = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    start_precision = serializers.CharField()
    end_date = serializers.DateField(allow_null=True)


class ForumSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = Forum
        fields = ("slug", "name", "short_name", "description", "source", "memberships")


# -- Events --------------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    """An event as read, and as an editor writes it (treaty by slug, country by ISO alpha-3).

    A change (PATCH) names the `version` it read: if the event changed since, nothing is written
    and the answer is 409 with the event as it is now.
    """

    treaty = serializers.SlugRelatedField(slug_field="slug", queryset=Treaty.objects.all())
    country = serializers.SlugRelatedField(slug_field="iso3", queryset=Country.objects.all())
    kind = serializers.ChoiceField(choices=EventKind.choices)
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices, required=False)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The version read: required to change an event, ignored on create.",
    )

    class Meta:
        model = StatusEvent
        fields = (
            "id",
            "treaty",
            "country",
            "kind",
            "value",
            "date",
            "date_precision",
            "effective_date",
            "end_date",
            "source",
            "note",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "created_at", "updated_at")
        # The checks are the admin's (the service's); the unique constraint is one of them.
        validators: list = []


EventPage = envelope(
    "EventPage",
    EventSerializer(many=True),
    next=serializers.URLField(allow_null=True),
    previous=serializers.URLField(allow_null=True),
)


class RetractSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the event is taken back: kept in its history.", max_length=1000)
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The version read.")


class ApiErrors(serializers.Serializer):
    """A refused request: messages by field (`non_field_errors` for the whole), the same words the admin shows."""

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


class StaleSerializer(serializers.Serializer):
    """A change to a version that is no longer current: nothing was written."""

    detail = serializers.CharField()
    current = EventSerializer(allow_null=True)


# -- Status, summaries, series, compare ----------------------------------------------------------


class CountsSerializer(serializers.Serializer):
    countries = serializers.IntegerField()
    state_party = serializers.IntegerField()
    consented_not_in_force = serializers.IntegerField()
    signatory = serializers.IntegerField()
    withdrawal_pending = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    non_signatory = serializers.IntegerField()
    parties = serializers.IntegerField(help_text="States Parties in law (a pending withdrawal still is one).")
    on_board = serializers.IntegerField()
    on_board_share = serializers.FloatField()


class StatusSerializer(serializers.Serializer):
    """Where one participant stands on the date."""

    iso3 = serializers.CharField()
    country = serializers.CharField()
    status = serializers.CharField()
    on_board = serializers.BooleanField()
    signature_date = serializers.DateField(allow_null=True)
    consent_kind = serializers.CharField()
    consent_date = serializers.DateField(allow_null=True)
    in_force_date = serializers.DateField(allow_null=True)
    withdrawal_notice_date = serializers.DateField(allow_null=True)
    withdrawal_effective_date = serializers.DateField(allow_null=True)
    provisional_application_date = serializers.DateField(allow_null=True)
    stance = serializers.CharField()


StatusPage = envelope(
    "TreatyStatus",
    StatusSerializer(many=True),
    treaty=serializers.CharField(),
    count=serializers.ChoiceField(choices=CountBasis.choices),
    counts=CountsSerializer(),
)


class SummaryRowSerializer(CountsSerializer):
    key = serializers.CharField(help_text="world, region:<id>, noregion:<scheme id> or forum:<id>.")
    label = serializers.CharField()
    slug = serializers.CharField(allow_blank=True)
    date = serializers.DateField()
    computed_at = serializers.DateTimeField(allow_null=True)
    pending = serializers.BooleanField(help_text="A recompute is waiting: the figures may lag the latest change.")


SummaryPage = envelope(
    "Summaries",
    SummaryRowSerializer(many=True),
    treaty=serializers.CharField(),
    count=serializers.ChoiceField(choices=CountBasis.choices),
    scheme=serializers.CharField(),
)
SeriesPage = envelope(
    "Series",
    SummaryRowSerializer(many=True),
    treaty=serializers.CharField(),
    count=serializers.ChoiceField(choices=CountBasis.choices),
    scheme=serializers.CharField(),
    group=serializers.CharField(allow_blank=True),
)


class CompareCellSerializer(serializers.Serializer):
    treaty = serializers.CharField()
    status = serializers.CharField()
    on_board = serializers.BooleanField()
    stance = serializers.CharField()
    stance_since = serializers.DateField(allow_null=True)


class CompareRowSerializer(serializers.Serializer):
    iso3 = serializers.CharField()
    country = serializers.CharField()
    cells = CompareCellSerializer(many=True)


class CompareColumnSerializer(serializers.Serializer):
    treaty = serializers.CharField()
    counts = CountsSerializer()


ComparePage = envelope(
    "Comparison",
    CompareRowSerializer(many=True),
    count=serializers.ChoiceField(choices=CountBasis.choices),
    columns=CompareColumnSerializer(many=True),
)
TreatyList = envelope("TreatyList", TreatySerializer(many=True))
TreatyOne = envelope("TreatyOne", TreatySerializer())
CountryList = envelope("CountryList", CountrySerializer(many=True))
CountryOne = envelope("CountryOne", CountrySerializer())
SchemeList = envelope("SchemeList", SchemeSerializer(many=True))
ForumList = envelope("ForumList", ForumSerializer(many=True))
ForumOne = envelope("ForumOne", ForumSerializer())
EventOne = envelope("EventOne", EventSerializer())
