"""A merge that would make a record neither record says (facts combined one by one) is refused:
the merged record passes the person and paternity pages' checks; two genetic tests are never merged
into one."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.services.participants import PaternityData, _paternity_check
from tests.cases.factories import PersonFactory

pytestmark = pytest.mark.django_db
CHILD_BORN = date(2019, 6, 1)
BORN = date(1988, 4, 12)


@pytest.fixture
def coordinator(role_user):
    return role_user("coordinator")


def _child(**fields):
    return PersonFactory(first_name="Lola", last_name="Reyes", date_of_birth=CHILD_BORN, ssn="", **fields)


def _merged_or_refused(survivor, duplicate, by):
    """The survivor after the merge, or None when the merge was refused."""
    try:
        services.person_merge(survivor=survivor, duplicate=duplicate, by=by, reason="Child entered twice")
    except ValidationError:
        return None
    survivor.refresh_from_db()
    return survivor


def test_a_merge_does_not_make_a_paternity_established_by_a_genetic_test_that_excluded_the_father(coordinator):
    """One record of the child says paternity was established by genetic test (status, date and
    method; no test details typed); the other record holds the genetic test itself: ordered, result
    NEGATIVE (the man tested is excluded). MERGE_FACTS ranks "paternity" and "genetic test" as two
    unrelated facts, so the survivor keeps its establishment and takes the duplicate's negative test:
    the merged child now reads "established by genetic test" with a test that excludes the father,
    a record the paternity page itself refuses ("A negative genetic test excludes the man tested: it
    does not establish paternity", cases/services/participants.py _paternity_check). Neither record
    said that; the merge made it up and did not refuse the conflicting accounts.
    Who is hurt: the child and the alleged father (support enforced on a paternity the only test
    contradicts), the State's OCSE-157 paternity line (42 USC 652(g)) counting it established.
    Rule: docs/cases.md "Merging": two records holding a fact differently are refused, a merge never
    picks an account silently. Cause: cases/services/people.py MERGE_FACTS / _facts_taken (facts
    combined one by one, the combination never checked as paternity_record checks it)."""
    survivor = _child(
        born_in_wedlock=False,
        paternity_status="established",
        paternity_established_on=date(2021, 2, 1),
        paternity_method="genetic_test",
    )
    duplicate = _child(
        born_in_wedlock=False,
        paternity_status="pending",
        genetic_test_ordered_on=date(2020, 11, 2),
        genetic_test_result="negative",
    )
    merged = _merged_or_refused(survivor, duplicate, coordinator)
    if merged is None:
        return  # refused: the conflict was caught
    try:  # what the paternity page says of the merged record
        _paternity_check(
            PaternityData(
                status=merged.paternity_status,
                established_on=merged.paternity_established_on,
                method=merged.paternity_method,
                genetic_test_ordered_on=merged.genetic_test_ordered_on,
                genetic_test_result=merged.genetic_test_result,
            )
        )
    except ValidationError as exc:
        pytest.fail(f"the merged record is one the paternity page refuses: {exc.messages}")
    assert not (
        merged.paternity_status == "established"
        and merged.paternity_method == "genetic_test"
        and merged.genetic_test_result == "negative"
    ), "the merge produced 'established by genetic test' with a test that excludes the father"


def test_a_merge_does_not_silently_drop_the_genetic_test_ordered_on_the_other_record(coordinator):
    """Record A of the child: a genetic test ordered on 10 January 2025, result positive. Record B: a
    genetic test ordered on 2 June 2025 (a retest the father asked for), no result yet. Both record the
    genetic test, on different dates, but MERGE_FACTS ranks a test with a result (2) over one
    without (1) and only compares values at the same rank: the merge keeps A's and drops B's order
    without a word. The caseworker waiting for the June result no longer sees the test was ordered.
    Who is hurt: the alleged father whose retest is lost; the caseworker. Rule: docs/cases.md
    "Merging": "Two records holding the same fact differently ... are refused with the fact named: a
    merge never picks one account of a fact silently". Cause: cases/services/people.py _facts_taken
    (a conflict is looked for only when the ranks are equal)."""
    survivor = _child(genetic_test_ordered_on=date(2025, 1, 10), genetic_test_result="positive")
    duplicate = _child(genetic_test_ordered_on=date(2025, 6, 2))
    merged = _merged_or_refused(survivor, duplicate, coordinator)
    assert merged is None, (
        f"merged silently: the survivor says ordered on {merged.genetic_test_ordered_on}, the June order is gone"
    )


def test_a_merge_does_not_record_a_death_before_the_survivors_birth(coordinator):
    """The survivor has a birth date (12 April 1988); the duplicate, entered without one, carries a
    date of death of 3 March 1987. The merge takes the date of death (the survivor lacks one) without
    the check every other path applies: the merged record dies before it is born, which the person
    page refuses ("The date of death cannot be before the date of birth", cases/services/people.py
    _details_check). Who is hurt: the case (closure for a deceased NCP, 45 CFR 303.11(b)(3), rests on
    a date the record contradicts). Cause: cases/services/people.py person_merge (facts taken with no
    _details_check of the result)."""
    survivor = PersonFactory(first_name="Hugo", last_name="Reyes", date_of_birth=BORN, ssn="")
    duplicate = PersonFactory(
        first_name="Hugo", last_name="Reyes", date_of_birth=None, ssn="", deceased_on=date(1987, 3, 3)
    )
    try:
        services.person_merge(survivor=survivor, duplicate=duplicate, by=coordinator, reason="Same NCP")
    except ValidationError:
        return
    survivor.refresh_from_db()
    assert survivor.deceased_on is None or survivor.deceased_on >= survivor.date_of_birth, (
        f"merged record born {survivor.date_of_birth}, died {survivor.deceased_on}"
    )


def test_a_refused_merge_says_what_the_merged_record_would_wrongly_say(coordinator):
    survivor = PersonFactory(first_name="Hugo", last_name="Reyes", date_of_birth=BORN, ssn="")
    duplicate = PersonFactory(
        first_name="Hugo", last_name="Reyes", date_of_birth=None, ssn="", deceased_on=date(1987, 3, 3)
    )
    with pytest.raises(ValidationError, match="date of death cannot be before the date of birth"):
        services.person_merge(survivor=survivor, duplicate=duplicate, by=coordinator, reason="Same NCP")


def test_one_genetic_test_known_with_its_result_on_one_record_only_still_merges(coordinator):
    # given: the same test (ordered the same day), its result typed on one record only
    survivor = _child(genetic_test_ordered_on=date(2025, 1, 10))
    duplicate = _child(genetic_test_ordered_on=date(2025, 1, 10), genetic_test_result="positive")
    # when
    merged = _merged_or_refused(survivor, duplicate, coordinator)
    # then: the survivor takes the result
    assert merged is not None
    assert (merged.genetic_test_ordered_on, merged.genetic_test_result) == (date(2025, 1, 10), "positive")
