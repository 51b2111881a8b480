"""The sweeps' own helpers (tests/sweeps.py): what they skip must be what cannot differ."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.choices import Role
from tests.sweeps import EXPORT_QUERIES, fetch_all, read_query_string, web_urls


@pytest.mark.django_db
def test_a_page_that_reads_its_query_string_is_told_from_one_that_does_not(client_as):
    client = client_as("caseworker")
    assert read_query_string(client.get(reverse("cases:case_list")))  # filters, search, sort, export
    assert not read_query_string(client.get(reverse("core:home")))


@pytest.mark.django_db
def test_the_sweep_fetches_the_query_strings_of_the_pages_that_read_one(client_as, role_user):
    """Every page is fetched bare; a list page with every query string too; a page that never reads
    one is not fetched again (were a middleware to read every request's query string, nothing would
    be skipped: the sweeps would be slower, never blind)."""
    client = client_as("administrator")
    names = {"cases:case_list", "cases:case_detail", "core:home"}
    urls = [(name, url) for name, url in web_urls(users={str(r): role_user(r) for r in Role}) if name in names]
    assert {name for name, _url in urls} == names
    fetched = [url for _name, url, _response in fetch_all(client, urls, EXPORT_QUERIES)]
    case_list, home = reverse("cases:case_list"), reverse("core:home")
    assert {case_list, case_list + "?format=csv", case_list + "?export=csv", home} <= set(fetched)
    assert len(fetched) == 5  # the case page and home: once each
