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
