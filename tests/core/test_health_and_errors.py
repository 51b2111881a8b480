import pytest
from django.urls import reverse

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_health_is_503_when_the_broker_is_unreachable(client):
    # broker_write_url wins over broker_url (and over the CELERY_BROKER_URL variable CI sets).
    original = celery_app.conf.get("broker_write_url")
    celery_app.conf.broker_write_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_write_url = original
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "failed"}


def test_unknown_route_is_a_styled_404(client_as):
    response = client_as("caseworker").get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"<nav" in response.content  # the styled shell, not Django's bare page


@pytest.mark.parametrize("path", ["/api/v1/court-actions/null%2Cnull/", "/api/v1/no-such-thing/"])
def test_an_api_url_no_view_matches_is_a_json_404(api_client_with, path):
    response = api_client_with("court_actions:read").get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_api_server_error_is_json_without_a_trace(rf):
    from core.views import server_error

    response = server_error(rf.get("/api/v1/cases/"))

    assert response.status_code == 500
    assert response.content == b'{"detail": "Internal error."}'


def test_denied_page_is_a_403_and_is_logged(client_as):
    from core.models import AccessLog

    response = client_as("trainer").get(reverse("core:audit_access"))
    assert response.status_code == 403
    assert b"Access denied" in response.content
    assert AccessLog.objects.filter(kind="access_denied", username="trainer_user").exists()


def test_nul_bytes_in_query_are_refused(client_as):
    response = client_as("coordinator").get("/audit/?username=%00x")
    assert response.status_code == 400


def test_pages_with_personal_data_are_not_cached(client_as):
    response = client_as("coordinator").get(reverse("core:home"))
    assert response["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
