import pytest
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.api.pagination import StandardPagination


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "201", "1e3", "٣"])
def test_a_bad_page_size_is_refused(raw):
    request = Request(APIRequestFactory().get("/x", {"page_size": raw}))
    with pytest.raises(ValidationError):
        StandardPagination().get_page_size(request)


@pytest.mark.parametrize(("raw", "size"), [(None, 50), ("1", 1), ("200", 200)])
def test_a_good_page_size_is_used(raw, size):
    request = Request(APIRequestFactory().get("/x", {"page_size": raw} if raw else {}))
    assert StandardPagination().get_page_size(request) == size


@pytest.mark.parametrize("raw", ["", "abc", "0", "-1", "1.5", "last", "٣"])
def test_a_bad_page_number_is_refused(raw):
    request = Request(APIRequestFactory().get("/x", {"page": raw}))
    with pytest.raises(ValidationError):
        StandardPagination().get_page_number(request, paginator=None)


@pytest.mark.parametrize(("raw", "number"), [(None, 1), ("1", 1), ("7", 7)])
def test_a_good_page_number_is_used(raw, number):
    request = Request(APIRequestFactory().get("/x", {"page": raw} if raw else {}))
    assert StandardPagination().get_page_number(request, paginator=None) == number


@pytest.mark.parametrize(
    "url",
    [
        "http://testserver/api/v1/people/?pagination=cursor&page_size=50&cursor=cD01MDAwMDA%3D",
        "http://testserver/api/v1/people/",
        "https://host:8443/a%20b/?b=1&a=2&a=3&cursor=x&zeta=%C3%A9&e=&x+y=1#fragment",
        "http://testserver/api/v1/cases/?pagination=cursor&cursor=a&cursor=b&_=1&Cursor=2&~=3",
        "http://t/p?curso=1&cursora=2&cursor",
    ],
)
@pytest.mark.parametrize("position", ["NY-000123", "a b+c/é", None])
@pytest.mark.parametrize(("offset", "reverse"), [(0, False), (3, True)])
def test_keyset_links_are_drfs_links(url, position, offset, reverse):
    """The cursor links, built from the page's URL split once (17.3), are DRF's own."""
    from rest_framework.pagination import Cursor, CursorPagination

    from core.api.pagination import KeysetCursorPagination

    cursor = Cursor(offset=offset, reverse=reverse, position=position)
    ours = KeysetCursorPagination(("case_number",))
    drfs = CursorPagination()
    ours.base_url = drfs.base_url = url
    assert ours.encode_cursor(cursor) == drfs.encode_cursor(cursor)
    assert ours.encode_cursor(cursor._replace(reverse=not reverse)) == drfs.encode_cursor(
        cursor._replace(reverse=not reverse)
    )
