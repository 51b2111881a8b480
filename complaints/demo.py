"""Demo complaints (idempotent: each is recognised by its complainant and description)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .choices import Category, Channel
from .models import Complaint
from .services import (
    communication_add,
    complaint_assign,
    complaint_file,
    complaint_resolve,
    referral_create,
)

DEMO = [
    # name, channel, category, days ago received, known days ago, description, action
    (
        "Alicia Gomez",
        Channel.WEB,
        Category.DISTRIBUTION,
        25,
        40,
        "My tax refund was taken but my arrears balance did not go down.",
        "open",
    ),
    (
        "Brian Walsh",
        Channel.PHONE,
        Category.CASE_ACTION,
        40,
        200,
        "Nobody has acted on my request to locate the other parent for months.",
        "assigned",
    ),
    (
        "Chen Li",
        Channel.WALK_IN,
        Category.CLOSURE,
        20,
        30,
        "My case was closed without a notice and I still need support.",
        "resolved",
    ),
    (
        "Dolores Price",
        Channel.EMAIL,
        Category.OUT_OF_JURISDICTION,
        3,
        10,
        "The order was made in another county and they keep sending me here.",
        "referred",
    ),
]


def seed(*, users, rng, stdout) -> None:
    from cases.models import Case

    today = timezone.localdate()
    ombud, coordinator = users["ombudsperson"], users["coordinator"]
    case = (
        Case.objects.filter(caseworker=users.get("caseworker")).order_by("pk").first()
        or Case.objects.order_by("pk").first()
    )
    created = 0
    for name, channel, category, ago, known, description, action in DEMO:
        if Complaint.objects.filter(complainant_name=name, description=description).exists():
            continue
        complaint = complaint_file(
            channel=channel,
            complainant_name=name,
            contact_email=f"{name.split()[0].lower()}@example.org",
            category=category,
            description=description,
            received_on=today - timedelta(days=ago),
            known_on=today - timedelta(days=known),
            case=case if action in ("assigned", "resolved") else None,
            case_number="NY-999999" if channel == Channel.WEB else "",
            by=None if channel == Channel.WEB else ombud,
            preferred_language="Spanish" if name == "Alicia Gomez" else "English",
            interpreter_needed=name == "Alicia Gomez",
        )
        if action in ("assigned", "resolved"):
            investigator = coordinator if case and case.caseworker_id == ombud.pk else ombud
            complaint_assign(complaint=complaint, investigator=investigator, by=ombud)
            communication_add(
                complaint=complaint,
                occurred_on=today - timedelta(days=ago - 2),
                direction="out",
                party="complainant",
                channel="phone",
                summary="Explained the process; asked for records.",
                by=ombud,
            )
        if action == "resolved":
            complaint_resolve(
                complaint=complaint,
                outcome="not_upheld",
                resolved_on=today - timedelta(days=2),
                explanation="The case was closed under 45 CFR 303.11 after notice; a new application "
                "can be made at any time.",
                by=ombud,
            )
        if action == "referred":
            referral_create(
                complaint=complaint,
                target_kind="county",
                target_name="Kings County Support Unit",
                reason="The order and the case are held there.",
                by=ombud,
            )
        created += 1
    stdout.write(f"complaints: {created} demo complaints")
