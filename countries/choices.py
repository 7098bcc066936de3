from django.db import models


class CountryKind(models.TextChoices):
    STATE = "state", "State"
    TERRITORY = "territory", "Territory"
    ORGANISATION = "organisation", "International organisation"


class MembershipRole(models.TextChoices):
    MEMBER = "member", "Member"
    OBSERVER = "observer", "Observer"
    PARTNER = "partner", "Partner"


class DatePrecision(models.TextChoices):
    DAY = "day", "Exact day"
    MONTH = "month", "Month known"
    YEAR = "year", "Year known"
    ON_OR_BEFORE = "on_or_before", "On or before"
    UNKNOWN = "unknown", "Unknown"
