"""A property-based run of the OpenAPI schema against the live test server (schemathesis): requests
generated from every operation's parameters and bodies get no 500 and no answer outside the schema.

Bounded so it stays well under a minute: a few examples per operation, no shrinking of a failure
beyond Hypothesis's own, and no per-example deadline (one answer computes every State's status).
"""

import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

EXAMPLES_PER_OPERATION = 15
BUDGET_SECONDS = 60


@pytest.mark.django_db(transaction=True)
def test_no_server_error_and_no_answer_outside_the_schema(live_server, reference_data):
    session = requests.Session()
    schema = schemathesis.openapi.from_dict(session.get(f"{live_server.url}/api/schema/?format=json").json())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    started, seen = time.monotonic(), []

    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(base_url=live_server.url, session=session)
            seen.append(response.status_code)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
            )

        run()
    assert time.monotonic() - started < BUDGET_SECONDS
    assert 200 in seen and 400 in seen  # it reached answers and refusals alike
    assert not [status for status in seen if status >= 500]
