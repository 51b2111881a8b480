"""URL samples for search, the person page, the statement and the work item page (issue 15)."""

from __future__ import annotations

from tests.cases.factories import CaseFactory, WorkItemFactory


def url_samples(*, users) -> dict[str, dict]:
    case = CaseFactory(county="Albany")
    item = WorkItemFactory(case=case)
    number = {"case_number": case.case_number}
    return {
        "person": {"person_id": case.ncp.pk},
        "cases:case_statement": number,
        "cases:case_statement_pdf": number,
        "cases:workitem_detail": {"pk": item.pk},
    }
