"""The shared first steps of the received-file services (payment files, bank statements, returns)."""

import hashlib
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from enforcement.models import BankStatement, NachaReturnFile
from enforcement.services.received import received_file_build, received_file_size_check


def test_a_file_over_the_limit_is_refused_on_the_file_field():
    with pytest.raises(ValidationError) as refused:
        received_file_size_check(b"x" * (2 * 1024 * 1024 + 1), max_bytes=2 * 1024 * 1024)

    assert refused.value.message_dict == {"file": ["The file is larger than 2 MB."]}


def test_a_file_at_the_limit_is_accepted():
    received_file_size_check(b"x" * 1024, max_bytes=1024)


def test_the_row_keeps_the_file_as_received_with_a_clean_name():
    content = b"01,BANK\n"

    row = received_file_build(
        NachaReturnFile,
        name="re\x00turns.ach" + "x" * 300,
        default_name="returns",
        content=content,
        via="upload",
        by=None,
    )

    # at most 200 characters as sent, the NUL taken out
    assert row.name == "returns.ach" + "x" * 188
    assert row.sha256 == hashlib.sha256(content).hexdigest()
    assert bytes(row.content) == content and row.via == "upload" and row.uploaded_by is None


def test_a_nameless_file_gets_the_kinds_name_and_only_a_signed_in_sender_is_kept():
    anonymous = SimpleNamespace(is_authenticated=False)

    row = received_file_build(BankStatement, name="", default_name="statement", content=b"", via="api", by=anonymous)

    assert row.name == "statement" and row.uploaded_by is None
