"""Editing a person's details from their case (cases:person_edit, cases.services.person_update):
who may, an FVI person's phone and e-mail never on the page, a page out of date, a merged record,
bad input, and the hint about a possible duplicate."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import CaseParticipant, Person
from core.models import AccessLog, DomainEvent
from core.stale import Shown, fingerprint
from tests.cases.factories import CaseFactory, PersonFactory
from tests.pages import shown_on

pytestmark = pytest.mark.django_db
PHONE, EMAIL = "(518) 555-0142", "maria.hidden@example.org"


def edit_url(case, person):
    return reverse("cases:person_edit", kwargs={"case_number": case.case_number, "person_id": person.pk})


def form_values(response) -> dict:
    """The page's form as a browser would send it back unchanged (text boxes, selects, ticks)."""
    form = response.context["form"]
    values = {}
    for name, field in form.fields.items():
        if name == "shown":
            continue
        value = form.get_initial_for_field(field, name)
        if isinstance(value, bool):
            if value:
                values[name] = "on"
            continue
        values[name] = "" if value is None else (value.isoformat() if isinstance(value, date) else str(value))
    return {**values, **shown_on(response)}


@pytest.fixture
def person(my_case):
    cp = my_case.cp
    cp.phone, cp.email = PHONE, EMAIL
    cp.save()
    return cp


def _open(client, case, person):
    response = client.get(edit_url(case, person))
    assert response.status_code == 200
    return response


# Who may -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_a_caseworker_on_their_own_case_and_a_coordinator_change_a_phone(client_as, my_case, person, role):
    client = client_as(role)
    response = _open(client, my_case, person)
    assert PHONE in response.content.decode()  # not protected: shown as on file
    response = client.post(edit_url(my_case, person), {**form_values(response), "phone": "518-555-0199"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "518-555-0199"
    event = DomainEvent.objects.get(verb="person.updated", subject_id=person.pk)
    assert event.data == {"fields": ["phone"]}
    assert "555" not in event.summary


@pytest.mark.parametrize("role", ["ombudsperson", "quality_analyst", "hearing_officer", "enforcement_specialist"])
def test_roles_without_change_person_are_refused(client_as, my_case, person, role):
    client = client_as(role)
    assert client.get(edit_url(my_case, person)).status_code == 403
    assert client.post(edit_url(my_case, person), {"first_name": "X", "last_name": "Y", "sex": "F"}).status_code == 403
    person.refresh_from_db()
    assert person.first_name != "X"


def test_a_caseworker_of_another_caseload_gets_403(client, make_user, my_case, person):
    from django.contrib.auth.models import Group

    other = make_user(username="other_worker")
    other.groups.add(Group.objects.get(name="caseworker"))
    client.force_login(other)
    assert client.get(edit_url(my_case, person)).status_code == 403


def test_another_countys_caseworker_gets_404(client, make_user, my_case, person):
    from django.contrib.auth.models import Group

    other = make_user(username="erie_worker", county="Erie")
    other.groups.add(Group.objects.get(name="caseworker"))
    client.force_login(other)
    assert client.get(edit_url(my_case, person)).status_code == 404


def test_a_user_without_a_county_gets_404(client, make_user, my_case, person):
    from django.contrib.auth.models import Group

    nowhere = make_user(username="no_county", county="")
    nowhere.groups.add(Group.objects.get(name="caseworker"))
    client.force_login(nowhere)
    assert client.get(edit_url(my_case, person)).status_code == 404


def test_a_person_not_on_the_case_is_404(client_as, my_case):
    stranger = CaseFactory().cp
    assert client_as("caseworker").get(edit_url(my_case, stranger)).status_code == 404


def test_the_person_page_links_to_the_edit_page_only_for_those_who_may(client_as, my_case, person):
    page = reverse("cases:person_detail", kwargs={"case_number": my_case.case_number, "person_id": person.pk})
    assert edit_url(my_case, person) in client_as("caseworker").get(page).content.decode()
    assert edit_url(my_case, person) not in client_as("ombudsperson").get(page).content.decode()


# An FVI person -----------------------------------------------------------------------------------


@pytest.fixture
def protected(person):
    person.family_violence = True
    person.save()
    return person


def test_an_fvi_persons_phone_and_email_are_nowhere_in_the_page(client_as, my_case, protected):
    for role in ("caseworker", "coordinator"):
        html = _open(client_as(role), my_case, protected).content.decode()
        for secret in (PHONE, EMAIL, "555-0142", "0142", "hidden@"):
            assert secret not in html
        assert "Replace the phone on file" in html and "Replace the e-mail on file" in html
        # The page's fingerprint of what it showed names no whereabouts (a phone's hash can be
        # reversed by trying every number).
        prints = Shown.parse(shown_on(client_as(role).get(edit_url(my_case, protected)))["shown"]).prints
        assert "phone" not in prints and "email" not in prints
        assert not {fingerprint(PHONE), fingerprint(EMAIL)} & set(prints.values())


def test_an_fvi_persons_blank_replace_boxes_keep_what_is_on_file(client_as, my_case, protected):
    client = client_as("caseworker")
    response = _open(client, my_case, protected)
    client.post(edit_url(my_case, protected), {**form_values(response), "language_note": "ASL"})
    protected.refresh_from_db()
    assert (protected.phone, protected.email, protected.language_note) == (PHONE, EMAIL, "ASL")


def test_an_fvi_persons_phone_is_replaced_and_not_echoed(client_as, my_case, protected):
    client = client_as("caseworker")
    response = _open(client, my_case, protected)
    response = client.post(
        edit_url(my_case, protected),
        {**form_values(response), "replace_phone": "212 555 0100", "replace_email": "new@example.org"},
        follow=True,
    )
    protected.refresh_from_db()
    assert (protected.phone, protected.email) == ("212 555 0100", "new@example.org")
    html = response.content.decode()
    assert "0100" not in html and "new@example.org" not in html
    event = DomainEvent.objects.get(verb="person.updated", subject_id=protected.pk)
    assert event.data == {"fields": ["phone", "email"]}
    assert "0100" not in event.summary and "example" not in event.summary


@pytest.mark.parametrize("box", ["replace_phone", "replace_email"])
def test_a_guess_of_an_fvi_persons_phone_or_email_gets_the_answer_any_value_gets(client_as, my_case, protected, box):
    """The value on file typed in a replace box: "Details saved." and the same event as any other
    value, not "Nothing changed." (a yes/no answer on the withheld phone, 42 USC 654(26))."""
    client = client_as("caseworker")
    answers = []
    for value in (
        {"replace_phone": PHONE, "replace_email": EMAIL}[box],
        {"replace_phone": "212 555 0100", "replace_email": "x@example.org"}[box],
    ):
        response = client.post(
            edit_url(my_case, protected), {**form_values(_open(client, my_case, protected)), box: value}, follow=True
        )
        answers.append([str(m) for m in response.context["messages"]])
    assert answers[0] == answers[1] == ["Details saved."]
    events = DomainEvent.objects.filter(verb="person.updated", subject_id=protected.pk).order_by("pk")
    assert [e.summary for e in events][0] == [e.summary for e in events][1]


def test_an_fvi_persons_bad_replacement_is_refused_without_echoing_it(client_as, my_case, protected):
    client = client_as("caseworker")
    response = _open(client, my_case, protected)
    response = client.post(edit_url(my_case, protected), {**form_values(response), "replace_phone": "12ab-xyz"})
    assert response.status_code == 200
    assert "12ab-xyz" not in response.content.decode()
    protected.refresh_from_db()
    assert protected.phone == PHONE


def test_an_fvi_persons_stale_page_keeps_a_colleagues_new_phone(client_as, my_case, protected, role_user):
    client = client_as("caseworker")
    response = _open(client, my_case, protected)
    services.person_update(person=protected, data={"phone": "518-555-0177"}, by=role_user("coordinator"))
    client.post(edit_url(my_case, protected), {**form_values(response), "middle_name": "Luz"})
    protected.refresh_from_db()
    assert (protected.phone, protected.email, protected.middle_name) == ("518-555-0177", EMAIL, "Luz")


# Pages out of date -------------------------------------------------------------------------------


def test_a_stale_page_keeps_a_colleagues_change_to_another_field(client_as, my_case, person, role_user):
    client = client_as("caseworker")
    response = _open(client, my_case, person)
    services.person_update(person=person, data={"phone": "518-555-0177"}, by=role_user("coordinator"))
    client.post(edit_url(my_case, person), {**form_values(response), "middle_name": "Luz"})
    person.refresh_from_db()
    assert (person.phone, person.middle_name) == ("518-555-0177", "Luz")


def test_the_same_field_changed_by_both_is_refused(client_as, my_case, person, role_user):
    client = client_as("caseworker")
    response = _open(client, my_case, person)
    services.person_update(person=person, data={"last_name": "Ortega"}, by=role_user("coordinator"))
    response = client.post(edit_url(my_case, person), {**form_values(response), "last_name": "Ortiz"})
    assert response.status_code == 200
    assert "Coordinator_User changed the last name" in response.content.decode()
    person.refresh_from_db()
    assert person.last_name == "Ortega"


def test_a_form_without_what_the_page_showed_is_refused(client_as, my_case, person):
    client = client_as("caseworker")
    values = form_values(_open(client, my_case, person))
    values.pop("shown")
    response = client.post(edit_url(my_case, person), {**values, "last_name": "Ortiz"})
    assert response.status_code == 200 and "out of date" in response.content.decode()
    person.refresh_from_db()
    assert person.last_name != "Ortiz"


# A merged record, bad input ----------------------------------------------------------------------


def test_a_merged_record_is_refused_with_a_clear_message(client_as, my_case, person, role_user):
    twin = PersonFactory(ssn="", first_name=person.first_name, last_name=person.last_name)
    CaseParticipant.objects.create(case=my_case, person=twin, role="cp")
    services.person_merge(survivor=person, duplicate=twin, by=role_user("coordinator"), reason="same person")
    client = client_as("caseworker")
    response = client.get(edit_url(my_case, twin), follow=True)
    assert "merged into another person" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/people/{person.pk}/")
    response = client.post(edit_url(my_case, twin), {"first_name": "Z", "last_name": "Z", "sex": "F"})
    twin.refresh_from_db()
    assert twin.first_name != "Z"


def test_the_service_refuses_a_merged_record(person, role_user):
    twin = PersonFactory(ssn="")
    services.person_merge(survivor=person, duplicate=twin, by=None, reason="same person")
    with pytest.raises(ValidationError, match="merged into another"):
        services.person_update(person=twin, data={"first_name": "Z"}, by=role_user("caseworker"))


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"date_of_birth": (timezone.localdate() + timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"deceased_on": (timezone.localdate() + timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"date_of_birth": "1990-05-01", "deceased_on": "1980-01-01"}, "cannot be before the date of birth"),
        ({"email": "not-an-email"}, "valid email"),
        ({"phone": "call me maybe"}, "phone number of 7 to 15 digits"),
        ({"phone": "12345"}, "phone number of 7 to 15 digits"),
        ({"first_name": ""}, "required"),
        ({"date_of_birth": "0001-01-01"}, "between 1900 and 2100"),
        ({"date_of_birth": "1899-12-31"}, "between 1900 and 2100"),
        ({"date_of_birth": "0001-01-01", "deceased_on": "0001-01-02"}, "between 1900 and 2100"),
    ],
)
def test_bad_input_changes_nothing(client_as, my_case, person, changes, error):
    client = client_as("caseworker")
    before = Person.objects.values().get(pk=person.pk)
    response = client.post(edit_url(my_case, person), {**form_values(_open(client, my_case, person)), **changes})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Person.objects.values().get(pk=person.pk) == before
    assert not DomainEvent.objects.filter(verb="person.updated").exists()


def test_the_service_refuses_a_date_before_1900(person, role_user):
    with pytest.raises(ValidationError, match="between 1900 and 2100"):
        services.person_update(person=person, data={"date_of_birth": date(1, 1, 1)}, by=role_user("caseworker"))


def test_the_service_checks_death_against_a_birth_date_a_colleague_set(person, role_user):
    person.date_of_birth = date(1990, 1, 1)
    person.save()
    with pytest.raises(ValidationError, match="before the date of birth"):
        services.person_update(person=person, data={"deceased_on": date(1985, 1, 1)}, by=role_user("caseworker"))


def test_a_name_change_keeps_name_search_right(person, role_user):
    services.person_update(person=person, data={"first_name": "José", "last_name": "Peña"}, by=role_user("caseworker"))
    person.refresh_from_db()
    assert person.name_search == " jose pena "
    assert person.history.first().first_name == "José"


def test_nothing_changed_writes_nothing(client_as, my_case, person):
    client = client_as("caseworker")
    response = client.post(edit_url(my_case, person), form_values(_open(client, my_case, person)), follow=True)
    assert "Nothing changed." in response.content.decode()
    assert not DomainEvent.objects.filter(verb="person.updated").exists()


# A possible duplicate ----------------------------------------------------------------------------


def test_a_name_change_that_makes_a_probable_match_says_so_without_naming_it(client_as, my_case, person):
    other_county = CaseFactory(county="Erie").cp
    other_county.first_name, other_county.last_name = "Maribel", "Quintanilla"
    other_county.date_of_birth, other_county.ssn = person.date_of_birth, ""
    other_county.save()
    client = client_as("caseworker")
    response = client.post(
        edit_url(my_case, person),
        {**form_values(_open(client, my_case, person)), "first_name": "Maribel", "last_name": "Quintanilla"},
        follow=True,
    )
    html = response.content.decode()
    assert "duplicates report" in html
    assert f"people/{other_county.pk}/" not in html and "Erie" not in html


def test_a_change_with_no_match_says_nothing_of_duplicates(client_as, my_case, person):
    client = client_as("caseworker")
    response = client.post(
        edit_url(my_case, person),
        {**form_values(_open(client, my_case, person)), "first_name": "Zebulon"},
        follow=True,
    )
    assert response.redirect_chain and "duplicates report" not in response.content.decode()
    person.refresh_from_db()
    assert person.first_name == "Zebulon"


def test_opening_the_page_is_logged_as_the_person_page_logs_it(client_as, my_case, person):
    _open(client_as("caseworker"), my_case, person)
    [read] = AccessLog.objects.filter(kind="sensitive_read", object_id=str(person.pk))
    assert sorted(read.fields) == sorted(["date_of_birth", "phone", "email"])


def test_an_fvi_persons_page_logs_no_whereabouts_read(client_as, my_case, protected):
    _open(client_as("caseworker"), my_case, protected)
    [read] = AccessLog.objects.filter(kind="sensitive_read", object_id=str(protected.pk))
    assert read.fields == ["date_of_birth"]
