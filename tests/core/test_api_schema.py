from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_openapi_schema_is_valid_and_has_no_warnings(tmp_path):
    # Every operation must be exactly described: a warning here means a response may not match.
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    text = (tmp_path / "schema.yaml").read_text()
    assert "'401':" in text and "'429':" in text


def test_api_docs_are_served_offline(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert b"cdn" not in page.content.lower()
