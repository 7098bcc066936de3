"""The synthetic benchmark data is realistic: every event passes the same checks as a real one."""

from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command

from treaties.models import StatusEvent, Treaty
from treaties.validation import status_event_problems

pytestmark = pytest.mark.django_db


def test_synthetic_events_pass_validation(reference_data):
    call_command("generate_synthetic", "--events", "3000", "--treaties", "3", stdout=StringIO())
    treaties = Treaty.objects.filter(slug__startswith="syn-")
    assert treaties.count() == 3
    events = list(StatusEvent.objects.filter(treaty__in=treaties).select_related("treaty", "country").order_by("date"))
    assert 2000 <= len(events) <= 4500
    seen = defaultdict(list)
    problems = []
    for event in events:
        key = (event.treaty_id, event.country_id)
        found = status_event_problems(event, others=seen[key])
        if found:
            problems.append((str(event), found))
        seen[key].append(event)
    assert problems == []
    assert {e.kind for e in events} >= {"signature", "ratification", "accession", "stance", "unga_vote"}


def test_generate_synthetic_replaces_its_earlier_data(reference_data):
    call_command("generate_synthetic", "--events", "1000", "--treaties", "2", stdout=StringIO())
    call_command("generate_synthetic", "--events", "1000", "--treaties", "2", stdout=StringIO())
    assert Treaty.objects.filter(slug__startswith="syn-").count() == 2
