"""17.3: Schemathesis on the large list operations (cases, enforcement actions, people, collections): every request
generated from the OpenAPI schema — page and cursor modes, page sizes, filters, junk — answers
without a server error, with a documented status and a body matching the documented schema."""

from datetime import date
from decimal import Decimal

import pytest
import schemathesis
import schemathesis.specs.openapi.checks as oc
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from cases.models import Collection
from tests.cases.factories import case_with_order

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("/api/v1/cases/", "cases:read"),
    ("/api/v1/enforcement-actions/", "enforcement:read"),
    ("/api/v1/people/", "cases:read"),
    ("/api/v1/collections/", "collections:read"),
]


@pytest.mark.slow  # started first (tests/conftest.py): 2.5-9 CPU-s, not left for the run's end
@pytest.mark.parametrize(("path", "scope"), OPERATIONS)
def test_list_operations_conform_to_their_schema(api_client_with, path, scope):
    for index, source in enumerate(["income_withholding", "federal_tax_offset", "direct_payment"]):
        case = case_with_order()
        # rows with every shape the list answers: a tax offset's null source and hold reason, an unidentified one
        Collection.objects.create(
            source_reference=f"S-{index}",
            case=case,
            case_number_received=case.case_number,
            amount=Decimal("12.50"),
            received_on=date(2026, 3, 2),
            source=source,
            status="held" if index else "posted",
            hold_reason="No order" if index else "",
        )
    Collection.objects.create(
        source_reference="S-unidentified",
        case=None,
        case_number_received="NY-1",
        amount=Decimal("1.00"),
        received_on=date(2026, 3, 2),
        source="other",
        status="held",
    )
    key = api_client_with(scope, all_counties=True)  # the unidentified collection too
    header = key._credentials["HTTP_AUTHORIZATION"]
    # The WSGI handler closes the database connection when a request ends (request_finished):
    # inside a test that is the test's own connection, so, as Django's test client does, not here.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _check(path, header)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _check(path, header):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    operation = schema[path]["GET"]
    names = {p.name for p in operation.query}
    assert {"pagination", "cursor", "page", "page_size"} <= names

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call(headers={"Authorization": header})
        assert response.status_code < 500, response.text[:300]
        assert response.status_code in (200, 400, 404), response.status_code
        # Conformance: a documented status, content type and body. (Acceptance of every
        # schema-valid value is not asked: a page past the end is DRF's documented 404, a cursor
        # string that is not one of ours a 400.)
        case.validate_response(
            response,
            checks=[
                schemathesis.checks.not_a_server_error,
                oc.status_code_conformance,
                oc.content_type_conformance,
                oc.response_schema_conformance,
            ],
        )

    check()
