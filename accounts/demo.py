"""Demo staff: one user per role, with realistic names (idempotent)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group

from .choices import Role
from .models import PartnerAgency, User

DEMO_STAFF = [
    # username, role, first, last, unit, county ("" = the demo office's home county)
    ("caseworker", Role.CASEWORKER, "Maria", "Alvarez", "Intake & Establishment", ""),
    ("enforcement_specialist", Role.ENFORCEMENT_SPECIALIST, "Derek", "Owens", "Enforcement", ""),
    ("coordinator", Role.COORDINATOR, "Janet", "Kim", "Special Programs", ""),
    ("ombudsperson", Role.OMBUDSPERSON, "Ruth", "Okafor", "Ombudsperson", ""),
    ("hearing_officer", Role.HEARING_OFFICER, "Samuel", "Brennan", "State Hearings", ""),
    ("outreach", Role.OUTREACH, "Lena", "Novak", "Outreach & Media", ""),
    ("trainer", Role.TRAINER, "Carlos", "Mendes", "Training", ""),
    ("quality_analyst", Role.QUALITY_ANALYST, "Priya", "Raman", "Quality Assurance", ""),
    ("admin", Role.ADMINISTRATOR, "Alex", "Admin", "Systems", ""),
]
# A second caseworker, so caseloads, reassignment and the "investigator is not the caseworker" rule show.
EXTRA_STAFF = [("caseworker2", Role.CASEWORKER, "Tom", "Fischer", "Enforcement", "")]


# The demo office's home county per jurisdiction: the first of cases.generate.COUNTIES, where the
# demo cases are (the second county's cases show what staff of this county cannot see).
DEMO_HOME_COUNTY = {"NY": "Albany", "CA": "Sacramento"}


def demo_home_county() -> str:
    return settings.CASEWORKS_OFFICE_COUNTY or DEMO_HOME_COUNTY.get(settings.CASEWORKS_JURISDICTION, "Albany")


def seed_users(*, password: str) -> dict[str, User]:
    """The demo staff, flagged ``is_demo`` (refused at sign-in unless CASEWORKS_DEMO_LOGINS), all
    in the home county: the two caseworkers share it and each has a caseload of its cases."""
    users = {}
    home = demo_home_county()
    for username, role, first, last, unit, county in DEMO_STAFF + EXTRA_STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "unit": unit,
                "county": county or home,
                "email": f"{username}@caseworks.example",
                "is_demo": True,
            },
        )
        is_admin = role == Role.ADMINISTRATOR
        if created or user.is_staff != is_admin or user.is_superuser != is_admin or not user.is_demo or not user.county:
            if created:
                user.set_password(password)
            user.is_staff = user.is_superuser = is_admin
            user.is_demo = True
            user.county = user.county or county or home
            user.save()
        user.groups.add(Group.objects.get(name=str(role)))
        users[username] = user
    return users


def seed(*, users, rng, stdout) -> None:
    for name, kind in [
        ("Family Court", "court"),
        ("County Attorney", "county_attorney"),
        ("State Office of Child Support", "state_office"),
        ("Acme Manufacturing", "employer"),
    ]:
        PartnerAgency.objects.get_or_create(name=name, defaults={"kind": kind})
