"""Access rules of the cases app beyond plain model permissions."""

from __future__ import annotations


def can_view_fti(user) -> bool:
    """Federal tax information (tax-offset sources; IRS Publication 1075): holders of
     ``cases.view_fti`` whose FTI awareness training is current. Everyone else sees the payment's
    date and amount only. The training check is registered by the training app
     (``core.hooks.fti_access_checks``); with no check registered, access fails closed."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_perm("cases.view_fti"):
        return False
    from core.hooks import fti_checks_pass

    return fti_checks_pass(user)


def can_view_ssn(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("cases.view_ssn")


FTI_TRAINING_LAPSED = "fti_training_lapsed"  # the reason of a refusal to a holder of cases.view_fti


def fti_reads_record(*, request, collections, user=None) -> int:
    """IRS Publication 1075: each display of federal tax information is logged. ``collections``
    are those on the page (the caller's FTI rows, shown or not). One ``sensitive_read`` row per
    tax-offset collection whose source was shown, naming the obligor (the case's NCP) and the
    field read; written now, in the request, never batched. The row names the collection (its id)
    and the field, never the source or the amount: the log is read by people not cleared for FTI
    (the security log, its admin), and says *that* FTI was read and which records. A holder of ``cases.view_fti`` refused
    them (FTI training lapsed or never taken) gets one ``access_denied`` row per request instead
    (``fti_training_lapsed``, the collections withheld): the auditor sees who reached FTI and was
    turned away. Anyone else was never entitled to FTI: nothing is logged."""
    from core.services import sensitive_read_record

    from .choices import FTI_SOURCES, ParticipantRole
    from .models import CaseParticipant, Person

    reader = user if user is not None else request.user
    shown = [c for c in collections if c is not None and c.source in FTI_SOURCES]
    if not shown:
        return 0
    if not can_view_fti(reader):
        if getattr(reader, "is_authenticated", False) and reader.has_perm("cases.view_fti"):
            fti_refusal_record(request=request, collection_ids=[c.pk for c in shown], user=reader)
        return 0
    payers = dict(
        CaseParticipant.objects.filter(case_id__in={c.case_id for c in shown}, role=ParticipantRole.NCP).values_list(
            "case_id", "person_id"
        )
    )
    people = Person.objects.in_bulk(set(payers.values()))
    for collection in shown:
        sensitive_read_record(
            request=request,
            obj=collection,
            fields=["fti_source"],
            person=people.get(payers.get(collection.case_id)),
        )
    return len(shown)


def fti_refusal_record(*, request, collection_ids=(), user=None, obj=None, fields=("fti_source",)) -> None:
    """One ``access_denied`` row per request for FTI withheld from a holder of ``cases.view_fti``
    whose FTI training is not current (IRS Publication 1075; see ``fti_reads_record``): the field
    ``fti_source``, outcome ``denied``, the reason and the collections' ids; or, for figures drawn
    from FTI (``fti_figures_shown``), the object and the fields withheld."""
    from core.models import AccessLog
    from core.services import access_log_record

    http = getattr(request, "_request", request)  # DRF's Request wraps Django's
    if getattr(http, "caseworks_fti_refusal_logged", False):
        return
    http.caseworks_fti_refusal_logged = True
    detail: dict = {"reason": FTI_TRAINING_LAPSED}
    if obj is None:
        detail["collection_ids"] = sorted({int(pk) for pk in collection_ids})
    access_log_record(
        kind=AccessLog.Kind.ACCESS_DENIED,
        request=http,
        user=user,
        obj=obj,
        fields=list(fields),
        outcome="denied",
        detail=detail,
    )


def fti_figures_shown(*, request, obj, fields, detail=None) -> bool:
    """Whether ``request.user`` may see figures drawn from federal tax information that are not a
    collection's own (a partner file's report of tax offsets: its counts and amounts), by the FTI
    gate (``can_view_fti``). Shown: one ``sensitive_read`` row naming ``obj`` and the ``fields``
    (never the figures; ``detail`` says what ``obj`` is). Withheld from a holder of
    ``cases.view_fti`` whose training is not current: the ``access_denied`` row
    (``fti_refusal_record``). Anyone else was never entitled to FTI: nothing is logged."""
    from core.services import sensitive_read_record

    reader = request.user
    if not can_view_fti(reader):
        if getattr(reader, "is_authenticated", False) and reader.has_perm("cases.view_fti"):
            fti_refusal_record(request=request, user=reader, obj=obj, fields=fields)
        return False
    sensitive_read_record(request=request, obj=obj, fields=fields, detail=detail)
    return True


def person_shown(*, request, person):
    """What a person page shows of ``person`` to ``request.user``: whether the SSN is shown, and
    the FVI-redacted card (``cases.redaction.person_card``). The date of birth, an SSN shown and
    the card's revealed fields are recorded as one sensitive read."""
    from core.services import sensitive_read_record

    from .redaction import person_card

    show_ssn = can_view_ssn(request.user)
    card = person_card(person=person, user=request.user)
    revealed = ["date_of_birth"] if person.date_of_birth else []
    if show_ssn and person.ssn:
        revealed.append("ssn")
    revealed += card.revealed_fields
    if revealed:
        sensitive_read_record(request=request, obj=person, fields=revealed)
    return show_ssn, card


def contact_shown(*, request, obj, person, email: str, phone: str):
    """The contact a complainant or appellant gave on ``obj`` (a complaint, a hearing request) as a
    page shows it to ``request.user`` (``cases.redaction.contact_copy``: withheld for a person whose
    whereabouts are), a case person's contact shown recorded as one sensitive read, as their person
    page records one."""
    from core.services import sensitive_read_record

    from .redaction import contact_copy

    contact = contact_copy(person=person, email=email, phone=phone, user=request.user)
    if contact.revealed_fields:
        sensitive_read_record(request=request, obj=obj, fields=contact.revealed_fields, person=contact.person)
    return contact


def possible_matches_read_record(*, request, matches: dict, shown_ids: set[int]) -> None:
    """An offer of possible matches on opening a case is a sensitive read (45 CFR 303.21): one
    ``sensitive_read`` row naming the fields shown (birth date, SSN's last four, case count of the
    matches the user may see; ``match_elsewhere`` when a match on cases the user may not see was
    mentioned, unnamed), the people shown with them, and the matches withheld."""
    from core.models import AccessLog
    from core.services import access_log_record

    people = {p.pk: p for found in matches.values() for p in found}
    shown = [people[pk] for pk in sorted(people) if pk in shown_ids]
    withheld = sorted(pk for pk in people if pk not in shown_ids)
    fields = [
        *(["date_of_birth"] if any(p.date_of_birth for p in shown) else []),
        *(["ssn_last4"] if any(p.ssn_last4 for p in shown) else []),
        *(["case_count"] if shown else []),
        *(["match_elsewhere"] if withheld else []),
    ]
    access_log_record(
        kind=AccessLog.Kind.SENSITIVE_READ,
        request=request,
        fields=fields,
        detail={
            "possible_matches": {key: [p.pk for p in found] for key, found in matches.items()},
            "person_ids": [p.pk for p in shown],
            "matches": len(shown),
            "withheld_person_ids": withheld,
        },
    )


def people_listed_read_record(*, request, people, page: str) -> None:
    """A page that lists people with their birth dates and SSN's last four for a coordinator to
    tell them apart (the duplicates report, the merge page) is a sensitive read, logged as the
    search page logs one (45 CFR 303.21; IRS Publication 1075 9.3.1): one ``sensitive_read`` row
    per page view naming the fields shown and every person listed; none when no one is listed."""
    from core.models import AccessLog
    from core.services import access_log_record

    people = list(people)
    if not people:
        return
    fields = [
        *(["date_of_birth"] if any(p.date_of_birth for p in people) else []),
        *(["ssn_last4"] if any(p.ssn_last4 for p in people) else []),
    ]
    person_ids = sorted({p.pk for p in people})
    access_log_record(
        kind=AccessLog.Kind.SENSITIVE_READ,
        request=request,
        fields=fields,
        detail={"page": page, "person_ids": person_ids, "matches": len(person_ids)},
    )


def ssn_last4_search_record(*, request, cases, last4: str) -> None:
    """Cases found by the last four digits of an SSN (the caseload's ``q``, the cases API's ``?q=``)
    say whose SSN ends so: a sensitive read, logged as the search page logs it (45 CFR 303.21; IRS
    Publication 1075 9.3.1): one ``sensitive_read`` row per request naming the people on the cases
    found (``cases``, already in the reader's scope) whose SSN ends in those digits. A partner key's
    row is the agency's (``api:<agency>``, as the people API's). ``request`` is Django's or DRF's."""
    from core.models import AccessLog, is_partner
    from core.services import access_log_record

    from .models import CaseParticipant

    http = getattr(request, "_request", request)  # DRF's Request wraps Django's
    if getattr(http, "caseworks_ssn_last4_logged", False):
        return
    http.caseworks_ssn_last4_logged = True
    person_ids = list(
        CaseParticipant.objects.filter(case__in=cases.order_by().values("pk"), person__ssn_last4=last4)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()
    )
    principal = getattr(request, "user", None)  # DRF's: the key's principal (Django's is anonymous then)
    access_log_record(
        kind=AccessLog.Kind.SENSITIVE_READ,
        request=http,
        username=f"api:{getattr(principal, 'agency', None) or 'partner'}"[:150] if is_partner(principal) else "",
        fields=["ssn_last4"],
        detail={"search": ["ssn_last4"], "person_ids": person_ids, "matches": len(person_ids)},
    )


# What an answer about an SSN typed on opening a case told the user (``ssn_answers_record``).
SSN_ON_FILE_LINKED = "ssn_on_file_linked"  # the SSN typed is this record's: linked to the new case
SSN_ON_FILE_DIFFERS = "ssn_on_file_name_or_birth_differs"  # SsnOnFileDiffers: the SSN typed is this record's
SSN_ON_FILE_ROUTED = "ssn_on_file_routed_to_coordinator"  # confirmed, not linked: a coordinator decides
SSN_DIFFERS_LABEL = "ssn_differs_from_entered"  # a match labelled "a different SSN from the one entered"
# What an answer on correcting a person's SSN told the user (``cases.services.person_ssn_correct``).
SSN_ON_FILE_OTHER_PERSON = "ssn_on_file_for_another_person"  # refused: the SSN typed is this record's
SSN_ON_FILE_SAME = "ssn_same_as_on_file"  # refused: the SSN typed is the one on file already


def ssn_answers_record(*, request, answers, seen_before: set[int] | None = None, via: str = "case_opening") -> int:
    """Each answer on opening a case that says whether the SSN typed is the full SSN of a record on
    file is a sensitive read of that record's SSN (45 CFR 303.21; IRS Publication 1075 9.3.1), even
    when nothing else of it is shown (the record may be another county's, or under the family
    violence indicator): deduplication across the office needs the answer, the log says who asked.
    ``answers`` are ``(party key, person, answer)``: one ``sensitive_read`` row each, the person as
    the object, field ``ssn_compared``, the answer (``SSN_ON_FILE_*``, ``SSN_DIFFERS_LABEL``) and
    whether the user could see the person when answered (``seen_before``: the ids the service
    found visible before a case it opened put the person in the user's scope; else read now).
    Never an SSN digit. Written in the request, after the service's transaction (a refused opening
    is rolled back; its answer was still given). ``via``: where it was asked (``case_opening``, or
    ``ssn_correction`` with the party the corrected person, ``person:<id>``)."""
    from core.services import sensitive_read_record

    from .people import visible_match_ids

    answers = list(answers)
    if not answers:
        return 0
    visible = (
        seen_before
        if seen_before is not None
        else visible_match_ids(user=request.user, people=[person for _, person, _ in answers])
    )
    for key, person, answer in answers:
        sensitive_read_record(
            request=request,
            obj=person,
            fields=["ssn_compared"],
            detail={via: {"party": key, "answer": answer}, "visible_to_user": person.pk in visible},
        )
    return len(answers)
