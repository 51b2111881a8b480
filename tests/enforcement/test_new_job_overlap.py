"""Two sources reporting the same new job at once: the new-hire file (the employer's W-4) and an
e-IWO reply from the former employer naming the new one, imported by two workers at the same time.
Each reads the person's open jobs at that employer before the other committed; without turns both
find none and both record one — two open jobs at one employer, each driving income withholding
(one order per employer, 42 USC 666(b)). Every writer of a person's jobs takes the person's row lock
before it reads them (the desk always did): the second waits, then finds the first's job."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection

from cases.models import Employment
from enforcement.choices import FileVia
from enforcement.services import eiwo, partner_files
from enforcement.services.partner_kinds import new_hires
from enforcement.services.withholding import iwo_reconcile_action
from tests.cases.factories import EmployerFactory
from tests.conftest import needs_postgres
from tests.enforcement.iwo_factories import ack, ack_file, active_withholding_action
from tests.enforcement.partner_files_data import new_hire_file, w4
from tests.locks import someone_waits_on_a_lock

pytestmark = [needs_postgres(), pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ON = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 17, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    "order", [("new-hires", "eiwo-acks"), ("eiwo-acks", "new-hires")], ids=["hire-first", "reply-first"]
)
def test_a_new_hire_file_and_an_eiwo_reply_naming_the_same_new_job_at_once_record_it_once(monkeypatch, order):
    # given an NCP whose e-IWO employer replies that they left for Gamma, and Gamma's W-4
    with time_machine.travel(NOW, tick=False):
        acme = EmployerFactory(name="Acme Foods", fein="141111111", eiwo_enrolled=True)
        gamma = EmployerFactory(name="Gamma Logistics", fein="143333333")
        (left,) = iwo_reconcile_action(action=active_withholding_action(employer=acme), on=ON)
        ncp = left.case.ncp
    reply = ack_file(
        [
            ack(
                left,
                "R",
                "N",
                termination_date=date(2026, 11, 20),
                new_employer_name="Gamma Logistics",
                new_employer_fein="143333333",
            )
        ]
    )
    hire = new_hire_file([w4(ncp.ssn, fein="143333333", employer="GAMMA LOGISTICS")], stamp=ON)

    # The first import stops inside its transaction once it has read the person's jobs (the new-hire
    # file just before it records those it found missing, the reply just after it recorded its
    # own), until the second waits on a lock (or, were there none, has finished).
    read_done, second_done = threading.Event(), threading.Event()

    def pause_first():
        if threading.current_thread().name == "first":
            read_done.set()
            while not second_done.is_set() and not someone_waits_on_a_lock():
                second_done.wait(0.01)

    real_insert, real_withholding = new_hires.rows_insert, eiwo.new_job_withholding

    def rows_insert(model, *args, **kwargs):
        if model is Employment:
            pause_first()
        return real_insert(model, *args, **kwargs)

    def new_job_withholding(**kwargs):
        pause_first()
        return real_withholding(**kwargs)

    monkeypatch.setattr(new_hires, "rows_insert", rows_insert)
    monkeypatch.setattr(eiwo, "new_job_withholding", new_job_withholding)
    results: dict[str, object] = {}

    def run(kind: str, content: bytes):
        name = threading.current_thread().name
        try:
            if name == "second":
                read_done.wait(30)
            with time_machine.travel(NOW, tick=True):
                results[name] = partner_files.partner_file_submit(
                    kind=kind, name=f"{kind}.txt", content=content, via=FileVia.COMMAND
                )[0].status
        except BaseException as exc:  # noqa: BLE001
            results[name] = exc
        finally:
            if name == "second":
                second_done.set()
            connection.close()

    # when both are imported at once
    files = {"new-hires": hire, "eiwo-acks": reply}
    threads = [
        threading.Thread(target=run, args=(kind, files[kind]), name=name)
        for name, kind in zip(("first", "second"), order, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    # then the NCP has one open job at Gamma, the one withholding goes to
    assert results == {"first": "accepted", "second": "accepted"}, results
    open_there = Employment.objects.filter(person=ncp, employer=gamma, ended_on__isnull=True)
    first_source = {"new-hires": "new_hire", "eiwo-acks": "eiwo"}[order[0]]
    assert list(open_there.values_list("source", flat=True)) == [first_source]
