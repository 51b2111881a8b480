from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from complaints import services
from complaints.choices import Category, Channel


@pytest.fixture
def file_complaint(db):
    """``file_complaint(received_on=..., **fields)`` → a complaint recorded through the service."""

    def make(**fields):
        values = {
            "channel": Channel.PHONE,
            "complainant_name": "Dana Parent",
            "contact_phone": "518-555-0100",
            "category": Category.DISTRIBUTION,
            "description": "My March payment is missing.",
            "received_on": date(2026, 11, 2),
            "today": date(2026, 11, 23),
        }
        values.update(fields)
        return services.complaint_file(**values)

    return make


@pytest.fixture
def post_public(client):
    """``post_public(data, **extra)`` → the public complaint form as a browser sends it: shown (with
    its one-time token), then sent with ``data``."""

    def post(data: dict, **extra):
        url = reverse("complaints:public_form")
        token = client.get(url).context["form_token"]
        return client.post(url, {**data, "form_token": token}, **extra)

    return post
