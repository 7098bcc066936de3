"""Reads of countries, regions and forums."""

from collections import defaultdict
from collections.abc import Iterable

from countries.models import CountrySuccession, Forum, Region


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


def country_stand_ins(*, existing: set[int]) -> dict[int, int]:
    """For each state that is not in `existing`, the nearest state it came from that is.

    On a map of 1997, Serbia's and Montenegro's shapes stand for Yugoslavia.
    """
    predecessors: dict[int, list[int]] = defaultdict(list)
    for successor_id, predecessor_id in CountrySuccession.objects.values_list("successor_id", "predecessor_id"):
        predecessors[successor_id].append(predecessor_id)
    stand_ins = {}
    for country_id in predecessors:
        if country_id in existing:
            continue
        queue, seen = list(predecessors[country_id]), {country_id}
        while queue:
            candidate = queue.pop(0)
            if candidate in existing:
                stand_ins[country_id] = candidate
                break
            if candidate not in seen:
                seen.add(candidate)
                queue.extend(predecessors.get(candidate, []))
    return stand_ins


def names_in_language(model: type[Region | Forum], ids: Iterable[int], language: str) -> dict[int, str]:
    """The names of these regions or forums in `language` ("fr", "es") by id, blank where none is kept: one query."""
    return dict(model.objects.filter(pk__in=ids).values_list("pk", f"name_{language}"))
