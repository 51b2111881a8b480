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
    not errors or redirects (what a user would actually receive)."""
    for name, url in urls:
        for query in queries:
            response = client.get(url + query)
            if response.status_code == 200:
                yield name, url + query, response


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


__all__ = ["EXPORT_QUERIES", "api_patterns", "body", "fetch_all", "view_class", "walk_part", "web_urls"]
