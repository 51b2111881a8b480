"""FVI (42 USC 654(26)): no channel shows a protected person's whereabouts.

The sweep gives every person in the every-URL samples the family violence indicator and
whereabouts that carry a marker (``zqxfvi``), then fetches every page (plain, as CSV, searched),
every PDF, every admin list/change/history page and every partner API response, and asserts the
marker appears in none of them. It is built from the URL registry and the admin and API routes,
so a new page, export, endpoint or admin is swept without changes here. Its set-up rows keep their
field history (``factory_history``), so the admin's history pages show versions to sweep.

The indicator can be set at any time, so the set-up writes the copies of whereabouts the services
take *before* it sets the indicator: a letter to every parent, printed with their marked address
(``_letters_sent``), and the work items an e-IWO acknowledgment opens for NCPs employed by the marked
employer (``_eiwo_acknowledged``). A page that shows such a copy as it was written, instead of asking
``cases.redaction`` when it is shown, fails the sweep.
"""

from __future__ import annotations

import re
import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.choices import Role
from cases.choices import ParticipantRole
from cases.letters import recipient_block
from cases.models import Address, Case, Employer, Employment, LocateAttempt, Person, SentLetter, WorkItem
from cases.services import letter_record
from core.letters import Letter
from enforcement.choices import FileVia, PartnerFileStatus
from enforcement.services.partner_files import partner_file_submit
from enforcement.services.withholding import iwo_reconcile_action
from tests.enforcement.iwo_factories import ack, ack_file, active_withholding_action
from tests.sweeps import EXPORT_QUERIES, api_patterns, body, fetch_all, view_class, walk_part, web_urls

pytestmark = pytest.mark.django_db

MARKER = re.compile(rb"zqxfvi|\b99887\b", re.IGNORECASE)
# The employer's own admin pages list employers, not who works there: an employer alone locates no one.
NOT_ABOUT_A_PERSON = {"cases.employer"}


def _pdf_text(content: bytes) -> bytes:
    """The page streams of a PDF, inflated (fpdf2 compresses them), and the text of strings drawn in an
    embedded TrueType font (letters: DejaVu Sans, ``core.letters``), which are glyph ids: decoded with
    every ToUnicode map of the file (a marker found under any of them counts)."""
    out = [content]
    streams = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.DOTALL):
        try:
            streams.append(zlib.decompress(stream))
        except zlib.error:
            streams.append(stream)
    out += streams
    maps = [
        {int(code, 16): chr(int(char, 16)) for code, char in re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>", s)}
        for s in streams
        if b"begincmap" in s
    ]
    if maps:
        for stream in streams:
            for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream, re.DOTALL):
                raw = re.sub(
                    rb"\\(.)", lambda m: {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(m.group(1), m.group(1)), literal
                )
                codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)]
                out += ["".join(cmap.get(code, "?") for code in codes).encode() for cmap in maps]
    return b"\n".join(out)


def _protect_everyone() -> tuple[list[Person], list[tuple[str, str]]]:
    """Every person gets marked whereabouts, then the copies the services take of them (letters,
    e-IWO work items), then the FVI, through saves (so history rows hold them too).
    Returns the people and the pages of the set-up's own rows that no URL sample names.

    Two rules are swept at once: every person has the FVI except the children of a case with a CP,
    whose whereabouts are withheld with the CP's (a child's whereabouts locate the CP the child
    lives with: ``cases.redaction``); the CPs have it."""
    employer = Employer.objects.create(
        name="Zqxfvi Covert Widgets",
        fein="147770001",
        line1="1 Zqxfvi Plaza",
        city="Zqxfviburg",
        state="NY",
        postal_code="99887",
        contact_email="hr@zqxfvi.example",
        phone="555-0199 zqxfvi",
        eiwo_enrolled=True,
    )
    eiwo_cases = _eiwo_acknowledged(employer)
    people = list(Person.objects.all())
    for person in people:
        person.phone = f"518-555-{person.pk:04d} zqxfvi"
        person.email = f"zqxfvi{person.pk}@hidden.example"
        person.save()  # a history row with the values, before the indicator is set
        Address.objects.create(
            person=person,
            line1=f"{person.pk} Zqxfvi Hidden Lane",
            city="Zqxfviville",
            state="NY",
            postal_code="99887",
            valid_from=date(2026, 1, 1),
            source="dmv",
        )
        Employment.objects.create(person=person, employer=employer, started_on=date(2026, 1, 1))
    _letters_sent()
    with_parent = set(
        Person.objects.filter(
            participations__role=ParticipantRole.CHILD,
            participations__case__participants__role=ParticipantRole.CP,
        ).values_list("pk", flat=True)
    )
    assert with_parent, "no child of a case with a CP: the parent's rule would not be swept"
    for person in people:
        if person.pk not in with_parent:
            person.family_violence = True
            person.save()
    for case in Case.objects.prefetch_related("participants"):
        for participant in case.participants.all():
            LocateAttempt.objects.create(
                case=case,
                person_id=participant.person_id,
                source="dmv",
                attempted_on=date(2026, 2, 1),
                result="found",
                notes=f"Lives at {participant.person_id} Zqxfvi Hidden Lane, Zqxfviville 99887",
            )
    pages = [("cases:case_detail", reverse("cases:case_detail", args=[case.case_number])) for case in eiwo_cases]
    items = WorkItem.objects.filter(case__in=eiwo_cases).order_by("pk")
    pages += [
        ("cases:workitem_detail", reverse("cases:workitem_detail", args=[pk]))
        for pk in items.values_list("pk", flat=True)
    ]
    return people, pages


def _eiwo_acknowledged(employer: Employer) -> list[Case]:
    """Copies taken before the indicator (1): three NCPs employed by the marked employer, an e-IWO to
    each, and the employer's acknowledgment file — a lump sum notice, a rejection and a separation
    (a new employer named) — imported as a partner file: the work items it opens are written while
    no one has the indicator. Their cases are new; their pages are added to the sweep."""
    actions = [active_withholding_action(employer=employer) for _ in range(3)]
    lump_sum, rejected, left = (iwo_reconcile_action(action=action, on=date(2026, 11, 30))[0] for action in actions)
    acks = [
        ack(lump_sum, lump_sum_amount=Decimal("2500.00"), lump_sum_date=date(2026, 12, 15), lump_sum_type="BON"),
        ack(rejected, "R", "D"),
        ack(
            left,
            "R",
            "N",
            termination_date=date(2026, 11, 20),
            new_employer_name="Zqxfvi Second Works",
            new_employer_fein="147770002",
        ),
    ]
    content = ack_file(acks, control="36000F0000000009777")
    partner_file, _queued = partner_file_submit(kind="eiwo-acks", name="acks.txt", content=content, via=FileVia.COMMAND)
    assert partner_file.status == PartnerFileStatus.ACCEPTED, partner_file.errors
    # lump sum, rejection, locate, and the new employer's withholding (the new-hire rule's item)
    assert WorkItem.objects.filter(case__in=[a.case for a in actions]).count() == 4
    return [action.case for action in actions]


def _letters_sent() -> None:
    """Copies taken before the indicator (2): a letter mailed to each person of each case, its block
    printed with their (marked) address (``cases.letters.recipient_block``, logged by
    ``letter_record``); and the letter log's rows of the URL samples, whose block says where they went."""
    for case in Case.objects.prefetch_related("participants__person"):
        for participant in case.participants.all():
            block, address = recipient_block(participant.person)
            letter = Letter(kind="sweep", subject="Letter", recipient=block, date=date(2026, 3, 2))
            letter_record(letter=letter, case=case, person=participant.person, address=address)
    for sent in SentLetter.objects.filter(person__isnull=False, address_text=""):
        sent.address_text = f"{sent.person_id} Zqxfvi Hidden Lane\nZqxfviville, NY 99887"
        sent.save()


def _leaks(label: str, response) -> list[str]:
    content = body(response)
    if response.get("Content-Type", "").startswith("application/pdf"):
        content = _pdf_text(content)
    # Both spellings of the marker looked for as plain bytes first (``bytes.lower`` folds ASCII case
    # as ``re.IGNORECASE`` does for a bytes pattern): most answers hold neither, and the pattern's
    # scan of every answer was a tenth of the sweep's CPU (issue 18.1). What is found is the same.
    if b"zqxfvi" not in content.lower() and b"99887" not in content:
        return []
    found = MARKER.search(content)
    return [f"{label}: {found.group(0).decode()!r}"] if found else []


def _admin_urls() -> list[str]:
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        if model._meta.label_lower in NOT_ABOUT_A_PERSON:
            continue
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        urls.append(changelist)
        if model_admin.get_search_fields(None):  # the admin ignores ``?q=`` where nothing is searched
            # Searches by part of a value, so the echoed search term itself is no marker.
            urls += [changelist + "?q=fviville", changelist + "?q=9988"]
        if model._meta.app_label != "cases":
            continue
        for pk in model._default_manager.values_list("pk", flat=True)[:40]:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[pk]))
            if hasattr(model_admin, "history_view"):
                urls.append(reverse("admin:{}_{}_history".format(*info), args=[pk]))
                history = getattr(model, "history", None)
                if history is not None:
                    for version in history.filter(**{model._meta.pk.attname: pk}).values_list("history_id", flat=True):
                        urls.append(reverse("admin:{}_{}_simple_history".format(*info), args=[pk, version]))
    return urls


def _api_urls() -> list[str]:
    """Every GET endpoint, its detail routes filled with every case's number or every row's key."""
    case_numbers = list(Case.objects.values_list("case_number", flat=True))
    urls = []
    for route, name, pattern in api_patterns():
        params = list(pattern.pattern.converters)
        if not params:
            urls.append("/" + route)
            continue
        cls = view_class(pattern)
        values: list[dict] = []
        if params == ["case_number"]:
            values = [{"case_number": n} for n in case_numbers]
        elif len(params) == 1 and getattr(cls, "queryset", None) is not None:
            lookup = getattr(cls, "lookup_field", "pk")
            values = [{params[0]: v} for v in cls.queryset.model._default_manager.values_list(lookup, flat=True)[:40]]
        urls += [reverse(name, kwargs=kw) for kw in values]
    return urls


# The sweep is split so that xdist can spread it over its workers: the web pages in two shares,
# the admin pages in two, the partner API with the last. Each part protects everyone and checks
# what it fetched.
PAGE_PARTS = ADMIN_PARTS = 2
SWEEP_PARTS = [f"pages-{part}" for part in range(PAGE_PARTS)] + [f"admin-{part}" for part in range(ADMIN_PARTS)]


@pytest.mark.slow
@pytest.mark.parametrize("part", SWEEP_PARTS)
def test_no_channel_shows_an_fvi_persons_whereabouts(part, role_user, api_client_with, factory_history):
    """Nor a child's whose custodial parent has the indicator (``_protect_everyone``)."""
    _sweep(part, role_user, api_client_with)


def _sweep(part: str, role_user, api_client_with) -> None:
    users = {str(role): role_user(role) for role in Role}
    urls = web_urls(users=users)
    people, own_pages = _protect_everyone()
    urls += own_pages
    assert people, "the URL samples hold no person: nothing would be swept"
    client = Client(raise_request_exception=False)
    client.force_login(users["administrator"])  # a superuser: every permission, every county, every branch
    channel, share = part.split("-")

    leaks, seen = [], 0
    if channel == "pages":
        search = tuple(f"?q={p.last_name}" for p in people[:3])
        pages = walk_part(urls, int(share), key=lambda url: url[0], parts=PAGE_PARTS)
        for _name, url, response in fetch_all(client, pages, EXPORT_QUERIES + search):
            seen += 1
            leaks += _leaks(url, response)
    else:
        for url in _admin_urls()[int(share) :: ADMIN_PARTS]:
            response = client.get(url)
            if response.status_code == 200:
                seen += 1
                leaks += _leaks(url, response)
    assert seen > 100  # the sweep reached pages
    if part == SWEEP_PARTS[-1]:
        api = api_client_with("all")
        api_seen = 0
        for url in _api_urls():
            response = api.get(url)
            if response.status_code == 200:
                api_seen += 1
                leaks += _leaks(url, response)
        assert api_seen >= len(people) // 3  # the sweep reached API answers

    if leaks:
        Path(f"/tmp/sec-redact-fvi-leaks-{part}.txt").write_text("\n".join(leaks))
    assert leaks == []


def test_the_sweep_parts_hold_every_page_once(role_user):
    urls = web_urls(users={str(role): role_user(role) for role in Role})
    shares = [walk_part(urls, part, key=lambda url: url[0], parts=PAGE_PARTS) for part in range(PAGE_PARTS)]
    assert sorted(sum(shares, [])) == sorted(urls)


def test_the_sweep_would_see_whereabouts_that_are_shown(client_as):
    """The control: the same marked values, without the indicator, do show on the person page."""
    from tests.cases.factories import CaseFactory

    case = CaseFactory(county="Albany")
    person = case.cp
    person.phone, person.email = "518-555-0100 zqxfvi", "zqxfvi@shown.example"
    person.save()
    Address.objects.create(
        person=person,
        line1="9 Zqxfvi Shown Street",
        city="Zqxfviville",
        state="NY",
        postal_code="99887",
        valid_from=date(2026, 1, 1),
    )
    url = reverse("cases:person_detail", kwargs={"case_number": case.case_number, "person_id": person.pk})
    client = client_as("caseworker")

    shown = client.get(url)
    person.family_violence = True
    person.save()
    withheld = client.get(url)

    assert len(MARKER.findall(shown.content)) >= 4
    assert _leaks("shown", shown) == [f"shown: {MARKER.search(shown.content).group(0).decode()!r}"]
    assert MARKER.findall(withheld.content) == []
    assert _leaks("withheld", withheld) == []
    assert b"Withheld (family violence indicator)" in withheld.content
