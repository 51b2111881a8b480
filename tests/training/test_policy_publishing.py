"""Trainers publish policies and new versions: roles, numbering (and two at once), the date rule,
acknowledgement asked anew, bad input, a form sent twice or after a colleague published."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import DomainEvent
from tests.conftest import needs_postgres
from training.models import PolicyDocument, PolicyVersion
from training.selectors import policies_to_acknowledge
from training.services import (
    policy_acknowledge,
    policy_create,
    policy_version_next,
    policy_version_publish,
)

from .factories import REFUSED_ROLES, CourseFactory, PolicyVersionFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def version_post(**overrides) -> dict:
    return {
        "effective_on": TODAY.isoformat(),
        "summary": "Adds the 2027 income shares table.",
        "body": "Staff apply the income shares table of 2027.",
        "citations": "45 CFR 302.56",
        "requires_acknowledgement": "on",
        **overrides,
    }


def policy_post(**overrides) -> dict:
    fields = {"code": "guidelines", "title": "Guideline calculation", "summary": "How support is set.", **overrides}
    return version_post(**fields)


def publish_page_shown(client, document) -> str:
    """The hidden field of the publish page as it is drawn now."""
    page = client.get(reverse("training:policy_publish", args=[document.pk]))
    return page.context["form"]["shown"].value()


# --- roles ---------------------------------------------------------------------------------------


def test_trainer_creates_a_policy_with_its_first_version(client_as, role_user):
    course = CourseFactory()
    client = client_as("trainer")
    assert client.get(reverse("training:policy_create")).status_code == 200
    response = client.post(reverse("training:policy_create"), policy_post(courses=[course.pk]))
    document = PolicyDocument.objects.get(code="guidelines")
    assert response.status_code == 302 and response.url == reverse("training:policy_detail", args=[document.pk])
    (version,) = document.versions.all()
    assert (version.version, version.effective_on, version.requires_acknowledgement) == ("1.0", TODAY, True)
    assert list(document.courses.all()) == [course]
    assert DomainEvent.objects.filter(verb="policy.created", actor=role_user("trainer")).count() == 1
    assert DomainEvent.objects.filter(verb="policy.version_published").count() == 1


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_other_roles_cannot_create_or_publish(client_as, role):
    version = PolicyVersionFactory()
    client = client_as(role)
    assert client.get(reverse("training:policy_create")).status_code == 403
    assert client.post(reverse("training:policy_create"), policy_post()).status_code == 403
    url = reverse("training:policy_publish", args=[version.document_id])
    assert client.get(url).status_code == 403
    assert client.post(url, version_post()).status_code == 403
    assert PolicyVersion.objects.count() == 1 and PolicyDocument.objects.count() == 1
    page = client.get(reverse("training:policy_detail", args=[version.document_id])).content.decode()
    assert "Publish a new version" not in page
    assert "New policy" not in client.get(reverse("training:policy_list")).content.decode()


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("training:policy_create"))
    assert response.status_code == 302 and "login" in response.url


def test_trainer_of_no_county_publishes_the_office_wide_library(client, make_user):
    # The library is office-wide (no scope): a trainer with no county publishes as any trainer.
    trainer = make_user("trainer", username="countyless_trainer", county="")
    version = PolicyVersionFactory(version="1.0")
    client.force_login(trainer)
    shown = publish_page_shown(client, version.document)
    response = client.post(reverse("training:policy_publish", args=[version.document_id]), version_post(shown=shown))
    assert response.status_code == 302
    assert version.document.versions.filter(version="2.0").exists()


def test_the_links_show_for_a_trainer(client_as):
    version = PolicyVersionFactory()
    client = client_as("trainer")
    assert "New policy" in client.get(reverse("training:policy_list")).content.decode()
    page = client.get(reverse("training:policy_detail", args=[version.document_id])).content.decode()
    assert reverse("training:policy_publish", args=[version.document_id]) in page


# --- numbering, dates, acknowledgement ----------------------------------------------------------


def test_versions_are_numbered_one_more_than_the_highest(role_user):
    trainer = role_user("trainer")
    first = PolicyVersionFactory(version="1.0", effective_on=TODAY - timedelta(days=30))
    PolicyVersionFactory(document=first.document, version="2.1", effective_on=TODAY - timedelta(days=20))
    PolicyVersionFactory(document=first.document, version="Draft-x", effective_on=TODAY - timedelta(days=10))
    assert policy_version_next(document=first.document) == "3.0"
    new = policy_version_publish(
        document=first.document, effective_on=TODAY, summary="Changed.", body="Text.", by=trainer
    )
    assert new.version == "3.0"
    assert policy_version_next(document=PolicyDocument.objects.create(code="empty", title="Empty")) == "1.0"


def test_a_new_version_is_asked_of_everyone_again(client_as, role_user):
    trainer, cw = role_user("trainer"), role_user("caseworker")
    old = PolicyVersionFactory(version="1.0", effective_on=TODAY - timedelta(days=30))
    policy_acknowledge(version=old, user=cw)
    assert policies_to_acknowledge(user=cw) == []
    client = client_as("trainer")
    shown = publish_page_shown(client, old.document)
    client.post(reverse("training:policy_publish", args=[old.document_id]), version_post(shown=shown))
    new = old.document.versions.get(version="2.0")
    assert policies_to_acknowledge(user=cw) == [new]
    assert new in policies_to_acknowledge(user=trainer)
    page = client_as("caseworker").get(reverse("training:my_training")).content.decode()
    assert old.document.title in page


def test_a_scheduled_version_is_asked_from_its_effective_date(client_as, role_user):
    cw = role_user("caseworker")
    old = PolicyVersionFactory(version="1.0", effective_on=TODAY - timedelta(days=30))
    policy_acknowledge(version=old, user=cw)
    new = policy_version_publish(
        document=old.document, effective_on=TODAY + timedelta(days=10), summary="Next month.", body="T.", by=cw
    )
    assert policies_to_acknowledge(user=cw) == []
    assert policies_to_acknowledge(user=cw, on=TODAY + timedelta(days=10)) == [new]
    page = client_as("caseworker").get(reverse("training:policy_detail", args=[old.document_id])).content.decode()
    assert "Version 1.0, effective" in page and "(scheduled)" in page


def test_a_correction_without_acknowledgement_asks_nothing(role_user):
    cw = role_user("caseworker")
    old = PolicyVersionFactory(version="1.0", effective_on=TODAY - timedelta(days=30))
    policy_acknowledge(version=old, user=cw)
    policy_version_publish(
        document=old.document,
        effective_on=TODAY,
        summary="Typo.",
        body="T.",
        requires_acknowledgement=False,
        by=role_user("trainer"),
    )
    assert policies_to_acknowledge(user=cw) == []


def test_effective_date_before_the_latest_version_is_refused_on_the_form(client_as):
    old = PolicyVersionFactory(version="1.0", effective_on=TODAY + timedelta(days=5))
    client = client_as("trainer")
    shown = publish_page_shown(client, old.document)
    url = reverse("training:policy_publish", args=[old.document_id])
    response = client.post(url, version_post(shown=shown, effective_on=(TODAY + timedelta(days=4)).isoformat()))
    assert response.status_code == 200
    assert "cannot take effect before it" in response.content.decode()
    assert old.document.versions.count() == 1
    # the same day as the latest is fine
    response = client.post(url, version_post(shown=shown, effective_on=(TODAY + timedelta(days=5)).isoformat()))
    assert response.status_code == 302 and old.document.versions.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("summary", "   ", "This field is required"),
        ("body", "", "This field is required"),
        ("body", "a\x00b", "Null characters are not allowed"),
        ("effective_on", "2026-13-40", "Enter a valid date"),
        ("effective_on", "2200-01-01", "1900"),
    ],
)
def test_bad_version_input_changes_nothing(client_as, field, value, message):
    old = PolicyVersionFactory(version="1.0", effective_on=TODAY - timedelta(days=3))
    client = client_as("trainer")
    shown = publish_page_shown(client, old.document)
    response = client.post(
        reverse("training:policy_publish", args=[old.document_id]), version_post(shown=shown, **{field: value})
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert old.document.versions.count() == 1
    assert not DomainEvent.objects.filter(verb="policy.version_published").exists()


def test_the_service_refuses_an_empty_text_and_a_date_out_of_bounds(role_user):
    doc = PolicyVersionFactory(version="1.0").document
    with pytest.raises(ValidationError) as refused:
        policy_version_publish(document=doc, effective_on=TODAY, summary="", body=" ", by=role_user("trainer"))
    assert set(refused.value.message_dict) == {"summary", "body"}
    with pytest.raises(ValidationError, match="1900"):
        policy_version_publish(document=doc, effective_on=date(2300, 1, 1), summary="s", body="b", by=None)
    assert doc.versions.count() == 1


def test_bad_policy_input_changes_nothing(client_as):
    PolicyDocument.objects.create(code="guidelines", title="Existing")
    client = client_as("trainer")
    response = client.post(reverse("training:policy_create"), policy_post())
    assert "A policy with this code already exists." in response.content.decode()
    response = client.post(reverse("training:policy_create"), policy_post(code="has space", title=""))
    page = response.content.decode()
    assert response.status_code == 200 and "letters, numbers, underscores or hyphens" in page
    assert PolicyDocument.objects.count() == 1 and not PolicyVersion.objects.exists()


def test_new_policy_sent_twice_is_created_once(client_as):
    client = client_as("trainer")
    assert client.post(reverse("training:policy_create"), policy_post()).status_code == 302
    response = client.post(reverse("training:policy_create"), policy_post())
    assert response.status_code == 200 and "already exists" in response.content.decode()
    assert PolicyDocument.objects.count() == 1 and PolicyVersion.objects.count() == 1


def test_the_service_refuses_a_code_taken_at_the_same_moment(role_user):
    PolicyDocument.objects.create(code="guidelines", title="Existing")
    with pytest.raises(ValidationError, match="already exists"):
        policy_create(code="guidelines", title="T", effective_on=TODAY, summary="s", body="b", by=role_user("trainer"))
    assert PolicyDocument.objects.count() == 1 and not PolicyVersion.objects.exists()


def test_publish_form_sent_twice_publishes_once(client_as):
    old = PolicyVersionFactory(version="1.0", effective_on=TODAY - timedelta(days=3))
    client = client_as("trainer")
    shown = publish_page_shown(client, old.document)
    url = reverse("training:policy_publish", args=[old.document_id])
    assert client.post(url, version_post(shown=shown)).status_code == 302
    response = client.post(url, version_post(shown=shown))
    assert response.status_code == 200
    assert "Version 2.0 was published meanwhile" in response.content.decode()
    assert list(old.document.versions.values_list("version", flat=True).order_by("id")) == ["1.0", "2.0"]


def test_publish_page_opened_before_a_colleague_published_is_refused(client_as, role_user):
    old = PolicyVersionFactory(version="1.0", effective_on=TODAY - timedelta(days=3))
    client = client_as("trainer")
    shown = publish_page_shown(client, old.document)
    colleague = role_user("coordinator")  # any author: the service is what the colleague's page calls
    policy_version_publish(document=old.document, effective_on=TODAY, summary="Theirs.", body="T.", by=colleague)
    response = client.post(reverse("training:policy_publish", args=[old.document_id]), version_post(shown=shown))
    page = response.content.decode()
    assert "Version 2.0 was published meanwhile" in page and "nothing was saved" in page
    assert old.document.versions.count() == 2


def test_publish_without_the_page_field_is_refused(client_as):
    old = PolicyVersionFactory(version="1.0")
    response = client_as("trainer").post(reverse("training:policy_publish", args=[old.document_id]), version_post())
    assert "out of date" in response.content.decode()
    assert old.document.versions.count() == 1


def test_publish_page_starts_from_the_latest_text(client_as):
    old = PolicyVersionFactory(version="1.0", body="The old text.", effective_on=TODAY + timedelta(days=4))
    page = client_as("trainer").get(reverse("training:policy_publish", args=[old.document_id]))
    assert page.context["form"].initial["body"] == "The old text."
    assert page.context["form"].initial["effective_on"] == TODAY + timedelta(days=4)
    assert "Publish version 2.0" in page.content.decode()


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_trainers_publishing_at_once_get_two_numbers(monkeypatch):
    """Both would read "the highest is 1.0" if they could interleave; the document's row lock makes
    the second wait for the first to commit, and then it takes the next number."""
    import threading

    from django.db import connection

    from training import services

    first = PolicyVersionFactory(version="1.0", effective_on=TODAY - timedelta(days=3))
    original, first_numbered, second_done, outcomes = (
        services.policy_version_next,
        threading.Event(),
        threading.Event(),
        {},
    )

    def second_waits_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            return cursor.fetchone()[0] > 0

    def next_number(*, document):
        number = original(document=document)
        if threading.current_thread().name == "first":
            first_numbered.set()
            # Go on once the second trainer waits for a lock (or, were there none, has finished:
            # the interleaving READ COMMITTED allows, which the row lock must prevent).
            while not second_done.is_set() and not second_waits_on_a_lock():
                second_done.wait(0.01)
        return number

    def trainer(name: str):
        try:
            if name == "second":
                first_numbered.wait(5)
            outcomes[name] = services.policy_version_publish(
                document=first.document, effective_on=TODAY, summary=f"By {name}", body="T.", by=None
            ).version
        except Exception as exc:  # noqa: BLE001 — the assertion below shows it
            outcomes[name] = repr(exc)
        finally:
            if name == "second":
                second_done.set()
            connection.close()

    monkeypatch.setattr(services, "policy_version_next", next_number)
    threads = [threading.Thread(target=trainer, args=(name,), name=name) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == {"first": "2.0", "second": "3.0"}
    assert sorted(first.document.versions.values_list("version", flat=True)) == ["1.0", "2.0", "3.0"]
