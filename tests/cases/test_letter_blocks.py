"""The mailing block of someone who may or may not be a case person (cases.letters)."""

from cases.letters import person_or_contact_block
from core.letters import MailingBlock


def test_someone_who_is_not_a_case_person_is_written_to_at_the_address_they_gave():
    assert person_or_contact_block(None, name="Ann Lee", email="ann@example.org") == (
        MailingBlock(name="Ann Lee", lines=["ann@example.org"]),
        None,
    )


def test_without_an_email_the_block_is_the_name_alone():
    assert person_or_contact_block(None, name="Ann Lee", email="") == (MailingBlock(name="Ann Lee", lines=[]), None)
