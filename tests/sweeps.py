"""Helpers for the sweeps that fetch every page, export and API response (CSV formulas, FVI
whereabouts): built on the every-URL walker, so a new view or endpoint is swept without edits here."""

from __future__ import annotations

from collections.abc import Iterator

from django.test import Client
from django.urls import reverse

from tests.test_url_access import api_patterns, view_class, walk_part, web_patterns
from tests.url_registry import collect_samples

# Query strings that turn a list page into its export (today's ``?format=csv``; the desk's ``?export=csv``).
EXPORT_QUERIES = ("", "?format=csv", "?export=csv")


def web_urls(*, users) -> list[tuple[str, str]]:
    """``(url name, path)`` of every web page with sample arguments (pages needing arguments without
    a sample are the URL walker's failure to report, not this sweep's)."""
    samples = collect_samples(users=users)
    urls = []
    for _route, name, pattern in web_patterns():
        if pattern.pattern.converters and name not in samples:
            continue
        urls.append((name, reverse(name, kwargs=samples.get(name, {}))))
    return urls


def fetch_all(client: Client, urls: list[tuple[str, str]], queries=("",)) -> Iterator[tuple[str, str, object]]:
    """GET each URL with each query string; yields ``(name, url, response)`` for answers that are
    not errors or redirects (what a user would actually receive).

    ``queries`` starts with ``""``: each URL is fetched bare first, and with the other query strings
    only if that request read its query string (``read_query_string``). A page that never looks at
    ``request.GET`` answers ``?format=csv`` or ``?q=`` as it answers the bare URL, so fetching it
    again would sweep the same answer twice (it made most of the sweeps' requests)."""
    assert queries and queries[0] == "", "the bare URL comes first: it tells which pages read a query string"
    for name, url in urls:
        response = client.get(url)
        if response.status_code == 200:
            yield name, url, response
        if not read_query_string(response):
            continue
        for query in queries[1:]:
            response = client.get(url + query)
            if response.status_code == 200:
                yield name, url + query, response


def read_query_string(response) -> bool:
    """Whether anything in the request's handling (middleware, view, template) read ``request.GET``:
    Django parses it on first use (a ``cached_property``), so an untouched request has none."""
    return "GET" in vars(response.wsgi_request)


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


__all__ = [
    "EXPORT_QUERIES",
    "api_patterns",
    "body",
    "fetch_all",
    "read_query_string",
    "view_class",
    "walk_part",
    "web_urls",
]
