"""The API's views: thin, each reading its parameters through the same forms as the pages (so a bad
value is a 400 with the same words), answering from the same selectors, and writing through the same
services as the admin. Every answer is an envelope with the date asked and the data version.

`base.py` holds what they share, `reads.py` the record, `figures.py` the figures on a date,
`writes.py` the events; every public name is re-exported here for `api/urls.py`.
"""

from api.views.base import (
    COUNT_PARAM,
    DATE_PARAM,
    SCHEME_PARAM,
    InEnglish,
    ReadOnly,
    answer,
    as_of,
    form_errors,
    slug_or_404,
)
from api.views.figures import Compare, TreatySeries, TreatyStatus, TreatySummaries, status_item, summary_item
from api.views.reads import (
    OBLIGATIONS,
    CountryDetail,
    CountryList,
    ForumDetail,
    ForumList,
    SchemeList,
    TreatyDetail,
    TreatyList,
    countries_with_relations,
    forums_with_memberships,
)
from api.views.writes import API_REASON, EventPagination, EventViewSet, EventWritePermission, Stale, validation_messages

__all__ = [
    "API_REASON",
    "COUNT_PARAM",
    "Compare",
    "CountryDetail",
    "CountryList",
    "DATE_PARAM",
    "EventPagination",
    "EventViewSet",
    "EventWritePermission",
    "ForumDetail",
    "ForumList",
    "InEnglish",
    "OBLIGATIONS",
    "ReadOnly",
    "SCHEME_PARAM",
    "SchemeList",
    "Stale",
    "TreatyDetail",
    "TreatyList",
    "TreatySeries",
    "TreatyStatus",
    "TreatySummaries",
    "answer",
    "as_of",
    "countries_with_relations",
    "form_errors",
    "forums_with_memberships",
    "slug_or_404",
    "status_item",
    "summary_item",
    "validation_messages",
]
