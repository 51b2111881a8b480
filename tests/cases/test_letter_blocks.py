"""The mailing block of someone who may or may not be a case person (cases.letters)."""

from cases.letters import person_or_contact_block
from core.letters import MailingBlock


def test_someone_who_is_not_a_case_person_has_their_name_alone_in_the_envelope_window():
    # No postal address is on file for them; an e-mail address is no address for an envelope.
    assert person_or_contact_block(None, name="Ann Lee") == (MailingBlock(name="Ann Lee", lines=[]), None)
