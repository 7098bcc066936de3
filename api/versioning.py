"""The data version every API answer carries: the site's own (`ottawa_tracker.http_cache.data_version`),
the one the public pages' ETags carry, so a script can tell whether anything changed since it last asked.

It changes with every mark of the summaries (every write that moves a figure), every recompute, every
saved row of `countries` or `treaties`, and at midnight. Should the cache fail, the summary marks' token
alone (one query) still changes with every write that moves a figure.
"""

from ottawa_tracker.http_cache import CacheFailed, marks_version
from ottawa_tracker.http_cache import data_version as site_data_version


def data_version() -> str:
    try:
        return site_data_version()[0]
    except CacheFailed:
        return marks_version()[0]
