"""An attach in progress does not hold the case row (PostgreSQL: two connections). rv1 review:
document_attach's repeat guard locked the Case row FOR UPDATE while the file was written to
storage, so every other writer of the case (a note, a payment, the case page's edits) waited for a
slow upload. The attaches to one case take turns on an advisory lock of the case instead."""

import threading

import pytest
from django.db import connection, transaction

from cases.models import Case
from tests.cases.factories import CaseFactory
from tests.cases.test_documents import attach
from tests.conftest import needs_postgres


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_the_case_row_stays_free_for_other_writers_while_a_document_is_attached(role_user):
    case = CaseFactory(county="Albany", caseworker=role_user("caseworker"))
    got = {}

    def another_writer_locks_the_case() -> None:
        try:
            with transaction.atomic():
                Case.objects.select_for_update(nowait=True).get(pk=case.pk)
            got["locked"] = True
        except Exception as exc:  # noqa: BLE001 — the lock refused is the finding
            got["locked"] = exc
        finally:
            connection.close()

    with transaction.atomic():
        attach(case, role_user("caseworker"))  # the attach's transaction, still open
        writer = threading.Thread(target=another_writer_locks_the_case)
        writer.start()
        writer.join()
    assert got["locked"] is True, got["locked"]
