"""A merge moves every foreign key to Person, those declared with ``related_name="+"`` (no reverse
accessor, so not in ``Person._meta.related_objects``) included: a document's whereabouts mark, a
complaint's complainant, an offset collection's person (rv1 review, item 1; 42 USC 654(26))."""

from datetime import date

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import CaseDocument, Person
from cases.redaction import document_shown
from cases.services.documents import document_attach
from cases.services.people import person_relations
from complaints.models import Complaint
from core.history import is_history_model
from tests.cases.factories import CaseFactory, PersonFactory
from tests.cases.test_documents import pdf_bytes
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db
BORN = date(1990, 1, 2)


def _lease_of(duplicate):
    case = CaseFactory(county="Albany", participants=False)
    case.participants.create(person=duplicate, role="cp")
    return document_attach(
        case=case,
        file=SimpleUploadedFile("lease.pdf", pdf_bytes(), content_type="application/pdf"),
        kind="other",
        title="Lease",
        by=None,
        person=duplicate,
        shows_whereabouts_of=duplicate,
    )


def test_a_document_marked_as_showing_the_duplicates_whereabouts_is_withheld_after_merging_into_an_fvi_record(
    role_user,
):
    """A lease on the duplicate's case is marked as showing the duplicate's whereabouts; the
    duplicate is merged into the survivor, who has the family violence indicator (42 USC 654(26)).
    The mark stayed on the merged-away record (no FVI), so document_shown() released the survivor's
    address to anyone who may open the case. Who is hurt: the protected parent. Cause:
    cases/services/people.py _relations() skipped related_name="+" FKs (rv1 review probe)."""
    survivor = PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=BORN, ssn="", family_violence=True)
    duplicate = PersonFactory(first_name="Maria", last_name="Nunes", date_of_birth=BORN, ssn="")
    doc = _lease_of(duplicate)
    services.person_merge(survivor=survivor, duplicate=duplicate, by=role_user("coordinator"), reason="same person")
    doc = CaseDocument.objects.select_related("shows_whereabouts_of").get(pk=doc.pk)
    assert doc.person_id == survivor.pk  # the visible relation moved
    assert doc.shows_whereabouts_of_id == survivor.pk, "the whereabouts mark stayed on the merged-away record"
    assert not document_shown(doc), "the FVI survivor's lease is released"


def test_undoing_a_merge_gives_back_the_hidden_relations_it_moved(role_user):
    coordinator = role_user("coordinator")
    survivor = PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=BORN, ssn="")
    duplicate = PersonFactory(first_name="Maria", last_name="Nunes", date_of_birth=BORN, ssn="")
    doc = _lease_of(duplicate)
    complaint = ComplaintFactory(complainant_person=duplicate)
    event = services.person_merge(survivor=survivor, duplicate=duplicate, by=coordinator, reason="same person")
    assert Complaint.objects.get(pk=complaint.pk).complainant_person_id == survivor.pk
    assert event.data["moved"]["cases.casedocument.shows_whereabouts_of"] == [doc.pk]
    assert event.data["moved"]["complaints.complaint.complainant_person"] == [complaint.pk]
    services.person_merge_undo(event=event, by=coordinator)
    assert CaseDocument.objects.get(pk=doc.pk).shows_whereabouts_of_id == duplicate.pk
    assert Complaint.objects.get(pk=complaint.pk).complainant_person_id == duplicate.pk


def test_every_foreign_key_to_a_person_is_one_the_merge_moves():
    """Found from every model's own fields (not from Person's metadata): a foreign key to Person
    added later, whatever its related_name, is moved by the merge without a change here. Only the
    merge link itself and the field history's copies stay."""
    every = {
        (model, field.name)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Person and not field.many_to_many
    }
    kept = {(model, name) for model, name in every if is_history_model(model)} | {(Person, "merged_into")}
    assert set(person_relations()) == every - kept
    # The ones the rv1 review found left behind (related_name="+"), by name.
    labels = {f"{model._meta.label_lower}.{name}" for model, name in person_relations()}
    assert {
        "cases.casedocument.shows_whereabouts_of",
        "complaints.complaint.complainant_person",
        "enforcement.offsetcollection.person",
    } <= labels
