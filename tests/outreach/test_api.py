from datetime import timedelta

import pytest
from django.utils import timezone

from .factories import EventFactory, OrganisationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/outreach-events/"
PUBLIC_FIELDS = {
    "id",
    "title",
    "kind",
    "kind_label",
    "audience",
    "audience_label",
    "description",
    "starts_at",
    "ends_at",
    "is_online",
    "location",
    "host_organisation",
    "capacity",
    "status",
    "registered",
    "attendees",
}


def test_needs_outreach_read_scope(api_client_with, client):
    assert client.get(URL).status_code == 401
    assert api_client_with("cases:read").get(URL).status_code == 403
    assert api_client_with("outreach:read").get(URL).status_code == 200


def test_writes_are_not_offered(api_client_with):
    assert api_client_with("outreach:read", "outreach:write").post(URL, {}, format="json").status_code == 405


def test_public_safe_fields_only(api_client_with):
    event = EventFactory(
        title="Forum", online_url="https://meet.example/secret", host_organisation=OrganisationFactory(name="Library")
    )
    RegistrationFactory(event=event, name="Jane Private", email="jane@private.example", attended=True)
    RegistrationFactory(event=event, name="John Private", email="john@private.example")
    response = api_client_with("outreach:read").get(URL)
    row = response.json()["results"][0]
    assert set(row) == PUBLIC_FIELDS
    assert (row["registered"], row["attendees"], row["host_organisation"]) == (2, 1, "Library")
    body = response.content.decode()
    for secret in ("Jane Private", "jane@private.example", "meet.example/secret"):
        assert secret not in body


def test_detail(api_client_with):
    event = EventFactory(title="Forum")
    api = api_client_with("outreach:read")
    assert api.get(f"{URL}{event.pk}/").json()["title"] == "Forum"
    assert api.get(f"{URL}99999999/").status_code == 404


def test_filters_by_date_range_and_audience(api_client_with):
    base = timezone.make_aware(timezone.datetime(2026, 11, 10, 12, 0))
    EventFactory(title="Early", starts_at=base, audience="employers")
    EventFactory(title="Late", starts_at=base + timedelta(days=20), audience="schools")
    api = api_client_with("outreach:read")
    titles = lambda params: [r["title"] for r in api.get(URL, params).json()["results"]]  # noqa: E731
    assert titles({"date_from": "2026-11-15"}) == ["Late"]
    assert titles({"date_to": "2026-11-10"}) == ["Early"]
    assert titles({"audience": "employers"}) == ["Early"]
    assert titles({"date_from": "2026-11-01", "date_to": "2026-12-31"}) == ["Late", "Early"]


@pytest.mark.parametrize(
    "params",
    [{"date_from": "not-a-date"}, {"audience": "aliens"}, {"page": "999"}, {"page_size": "-1"}, {"q": "x" * 500}],
)
def test_bad_filters_are_400_or_404_never_500(api_client_with, params):
    EventFactory()
    assert api_client_with("outreach:read").get(URL, params).status_code in (200, 400, 404)


def test_nul_byte_is_refused(api_client_with):
    assert api_client_with("outreach:read").get(URL, {"q": "a\x00b"}).status_code == 400


def test_paginated_envelope(api_client_with):
    for _ in range(3):
        EventFactory()
    body = api_client_with("outreach:read").get(URL, {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


@pytest.mark.parametrize("rows", [1, 40])
def test_query_count_does_not_grow(api_client_with, django_assert_max_num_queries, rows):
    for _ in range(rows):
        event = EventFactory(host_organisation=OrganisationFactory())
        RegistrationFactory(event=event, attended=True)
    api = api_client_with("outreach:read")
    api.get(URL)
    # key lookup + key touch + request log + count + page
    with django_assert_max_num_queries(6):
        assert api.get(URL).status_code == 200
