"""17.3: the caseload page links every case with one reverse() for the page, not one per row."""

from unittest import mock

import pytest
from django.urls import reverse

from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_caseload_links_each_case_without_a_reverse_per_row(client_as):
    cases = [CaseFactory() for _ in range(12)]
    client = client_as("caseworker")
    import django.urls

    url = reverse("cases:case_list")
    # {% url %} imports django.urls.reverse when it renders: count the template's calls.
    with mock.patch.object(django.urls, "reverse", side_effect=django.urls.reverse) as tags:
        response = client.get(url, {"scope": "all"})
    assert response.status_code == 200
    html = response.content.decode()
    for case in cases:
        assert f'href="{reverse("cases:case_detail", args=[case.case_number])}"' in html
    assert tags.call_count < 12  # not one per row
