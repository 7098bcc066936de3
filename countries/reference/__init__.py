"""Load the shipped reference data: countries, region schemes, forums and their members.

Codes and names come from pycountry (ISO 3166-1 and, for former states, ISO 3166-3);
everything else from the CSV files in `data/`, whose sources README.md lists.

`files.py` reads the data folder and loads a data set once; `states.py`, `regions.py` and
`forums.py` load one data set each; `reference_countries_apply` below runs those that changed.
"""

from collections import Counter
from pathlib import Path

from countries.reference.files import (
    DATA_DIR,
    REASON,
    countries_by_code,
    fingerprint,
    parse_date,
    read_csv,
    reference_dataset_apply,
)
from countries.reference.forums import FORUM_SHORT_NAMES, reference_forums_load
from countries.reference.regions import UN_GROUPS, reference_regions_load
from countries.reference.states import ISO_SOURCE, PYCOUNTRY, countries_rows, reference_countries_load, short_name

__all__ = [
    "DATA_DIR",
    "FORUM_SHORT_NAMES",
    "ISO_SOURCE",
    "PYCOUNTRY",
    "REASON",
    "UN_GROUPS",
    "countries_by_code",
    "countries_rows",
    "fingerprint",
    "parse_date",
    "read_csv",
    "reference_countries_apply",
    "reference_countries_load",
    "reference_dataset_apply",
    "reference_forums_load",
    "reference_regions_load",
    "short_name",
]


def reference_countries_apply(*, force: bool, stats: Counter, data_dir: Path = DATA_DIR) -> list[str]:
    """Load every countries-side data set that changed; returns the names of those loaded."""
    steps = [
        (
            "countries",
            fingerprint(
                "un_regional_groups.csv",
                "non_member_participants.csv",
                "state_lifespans.csv",
                "successions.csv",
                "other_entities.csv",
                "names/countries_un.csv",
                extra=PYCOUNTRY,
                data_dir=data_dir,
            ),
            reference_countries_load,
        ),
        (
            "regions",
            fingerprint(
                "m49_regions.csv",
                "un_regional_groups.csv",
                "former_state_regions.csv",
                "names/regions.csv",
                "names/schemes.csv",
                data_dir=data_dir,
            ),
            reference_regions_load,
        ),
        (
            "forums",
            fingerprint("forum_memberships.csv", "names/forums.csv", data_dir=data_dir),
            reference_forums_load,
        ),
    ]
    loaded = []
    for name, digest, load in steps:
        if reference_dataset_apply(
            name=name, fingerprint=digest, load=lambda s, load=load: load(s, data_dir), force=force, stats=stats
        ):
            loaded.append(name)
    return loaded
