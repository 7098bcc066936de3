"""Reads of countries, regions and forums."""

import datetime
from collections import defaultdict

from countries.models import Country, CountrySuccession


def country_lineage_map() -> dict[int, tuple[int, ...]]:
    """For each state that continues another, the ids of every state it continues, nearest first.

    Serbia continues Serbia and Montenegro, which continued the Federal Republic of
    Yugoslavia: the treaty acts and forum seats of all three count for Serbia.
    """
    continued: dict[int, int] = dict(
        CountrySuccession.objects.filter(continuation=True).values_list("successor_id", "predecessor_id")
    )
    lineage: dict[int, tuple[int, ...]] = {}
    for country_id in continued:
        chain: list[int] = []
        current = continued.get(country_id)
        while current is not None and current not in chain and current != country_id:
            chain.append(current)
            current = continued.get(current)
        lineage[country_id] = tuple(chain)
    return lineage


def country_participants_on(*, on: datetime.date) -> list[Country]:
    """The treaty participants that existed on a date, by name."""
    return list(Country.objects.participants().existing_on(on).order_by("name"))


def country_ids_by_lineage(lineage: dict[int, tuple[int, ...]]) -> dict[int, list[int]]:
    """Reverse of the lineage: for each continued state, the states that continue it."""
    heirs: dict[int, list[int]] = defaultdict(list)
    for heir, ancestors in lineage.items():
        for ancestor in ancestors:
            heirs[ancestor].append(heir)
    return dict(heirs)
