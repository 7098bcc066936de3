from django.db import models
from django.utils.translation import gettext_lazy as _


class CountryKind(models.TextChoices):
    STATE = "state", _("State")
    TERRITORY = "territory", _("Territory")
    ORGANISATION = "organisation", _("International organisation")


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")
    PARTNER = "partner", _("Partner")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Exact day")
    MONTH = "month", _("Month known")
    YEAR = "year", _("Year known")
    ON_OR_BEFORE = "on_or_before", _("On or before")
    UNKNOWN = "unknown", _("Unknown")
