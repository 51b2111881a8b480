"""Two runs of the daily release of joint-return tax offsets at once (the 06:10 beat run and its
redelivery after a worker restart, or an operator's manual run): both read the same row as held;
the second must wait for the first, see the offset released, and leave it alone — not file a
"could not be released … Decide where it goes" work item for money already distributed."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection

from cases.models import WorkItem
from enforcement.models import OffsetCollection
from enforcement.services.partner_kinds import offset as offset_service
from tests.conftest import needs_postgres
from tests.enforcement.factories import delinquent_case
from tests.enforcement.test_offset import collection, collections_file, ncp_of, submit
from tests.locks import someone_waits_on_a_lock

pytestmark = [needs_postgres(), pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_overlapping_release_runs_release_once_and_file_no_refusal(monkeypatch):
    # given a joint-return offset held until 2027-05-19
    with time_machine.travel(date(2026, 11, 24), tick=False):
        case = delinquent_case(unassigned="300.00")
        submit(collections_file([collection(ncp_of(case).ssn, "200.00", joint="Y")]))
    assert OffsetCollection.objects.get().status == "held"
    from cases import services as case_services

    real_release = case_services.collection_release
    first_released, second_done = threading.Event(), threading.Event()

    def release(**kwargs):
        result = real_release(**kwargs)
        if threading.current_thread().name == "first":
            first_released.set()
            # the first run holds its transaction open until the second waits on a lock (or,
            # without one, has finished: the interleaving the re-read must survive)
            while not second_done.is_set() and not someone_waits_on_a_lock():
                second_done.wait(0.01)
        return result

    monkeypatch.setattr(case_services, "collection_release", release)
    results: dict[str, object] = {}

    def run():
        name = threading.current_thread().name
        try:
            if name == "second":
                first_released.wait(30)
            with time_machine.travel(date(2027, 5, 19), tick=False):
                results[name] = offset_service.offset_joint_holds_release(on=date(2027, 5, 19))
        except BaseException as exc:  # noqa: BLE001
            results[name] = exc
        finally:
            if name == "second":
                second_done.set()
            connection.close()

    # when two runs overlap
    threads = [threading.Thread(target=run, name=name) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    # then the offset is released once, by the first, and nobody is asked to decide where it goes
    assert results == {"first": 1, "second": 0}, results
    row = OffsetCollection.objects.get()
    assert row.status == "released" and row.collection.status == "posted"
    refused = list(WorkItem.objects.filter(kind=offset_service.RELEASE_REVIEW_KIND).values_list("title", flat=True))
    assert refused == [], f"a released offset's case got a 'decide where it goes' work item: {refused}"
