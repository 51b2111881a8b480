"""17.3: the caseload page links every case with one reverse() for the page, not one per row."""

from unittest import mock

import pytest
from django.urls import reverse

from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_caseload_links_each_case_without_a_reverse_per_row(client_as):
    cases = [CaseFactory() for _ in range(12)]
    client = client_as("caseworker")
    import django.urls.base as urls_base

    real = urls_base.reverse
    with mock.patch.object(urls_base, "reverse", side_effect=real) as counted, \
            mock.patch("django.template.defaulttags.reverse", side_effect=real) as tags:
        response = client.get(reverse("cases:case_list"), {"scope": "all"})
    assert response.status_code == 200
    html = response.content.decode()
    for case in cases:
        assert f'href="{reverse("cases:case_detail", args=[case.case_number])}"' in html
    assert tags.call_count + counted.call_count < 12  # not one per row
