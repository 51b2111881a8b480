"""The tax refund offset notices speak to the parent in the parent's words and language (red team
rtletters: they spoke staff jargon and English to a Spanish reader):
- English: "The rule: assigned arrears at least $150.00 or unassigned arrears at least $500.00;
  added across the NCP's cases." (enforcement/models/rules.py:153): the letter is addressed to the
  NCP, who is not told what an "NCP" is.
- Spanish: "Fundamento legal: 42 USC 666(a)(3); state tax offset program" (enforcement/rules_seed.py:56,
  printed twice): an English phrase in a Spanish letter (the project's own Spanish test lists the
  citation as "data" and so never sees it). Seeded citations are words-free now; migration
  enforcement 0023 rewrites the rows still holding the seeded text."""

from __future__ import annotations

import re
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from core.letters import letter_text
from enforcement.choices import Remedy
from enforcement.models import EnforcementAction, RemedyRule
from enforcement.notices import notice_letter
from enforcement.rules_seed import seed_rows
from enforcement.services.actions import action_notice_issue
from enforcement.services.sweep import sweep_run_inline
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db
MIGRATION = import_module("enforcement.migrations.0026_state_offset_citation_words_free")


@pytest.fixture
def state_offset():
    case = delinquent_case(assigned="700.00", unassigned="3000.00")
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.STATE_TAX_OFFSET)
    return action_notice_issue(action=action, by=None, on=AS_OF)


def test_the_english_notice_does_not_call_its_reader_the_ncp(state_offset):
    text = letter_text(notice_letter(state_offset, language="en"))
    assert "added across all your cases" in text
    assert not re.search(r"\bNCP\b", text), [line for line in text.splitlines() if "NCP" in line]


def test_the_spanish_notice_has_no_english_phrase_in_its_legal_authority(state_offset):
    text = letter_text(notice_letter(state_offset, language="es"))
    assert "sumados en todos sus casos" in text and "Fundamento legal: 42 USC 666(a)(3)." in text
    assert "state tax offset program" not in text, [line for line in text.splitlines() if "program" in line]


def test_seeded_citations_are_words_free():
    # a citation prints as it is in every language: a reference, no phrase to translate
    for row in seed_rows():
        assert not re.search(r"\b[a-z]{3,}\b", row["citation"]), row["citation"]


def test_the_migration_rewrites_only_rules_still_holding_the_seeded_citation():
    seeded, own = RemedyRule.objects.filter(remedy=Remedy.STATE_TAX_OFFSET).order_by("jurisdiction")[:2]
    RemedyRule.objects.filter(pk=seeded.pk).update(citation=MIGRATION.OLD)
    RemedyRule.objects.filter(pk=own.pk).update(citation="42 USC 666(a)(3); Tax Law 171-c")
    MIGRATION.forwards(apps, SimpleNamespace(connection=connection))
    assert RemedyRule.objects.get(pk=seeded.pk).citation == "42 USC 666(a)(3)"
    assert RemedyRule.objects.get(pk=own.pk).citation == "42 USC 666(a)(3); Tax Law 171-c"


@pytest.mark.parametrize(
    "remedy, expected",
    [
        (Remedy.STATE_TAX_OFFSET, "sent to the state tax department."),
        (Remedy.CREDIT_BUREAU, "sent to the consumer reporting agencies."),
    ],
)
def test_a_seeded_partner_reads_as_words_in_the_notices_sentence(remedy, expected):
    """ "…sent to State tax department." read as a label pasted into a sentence: the seeded partners
    that are common nouns take their article and lower case in the letter (not on staff pages)."""
    case = delinquent_case(assigned="700.00", unassigned="3000.00")
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.filter(case=case, remedy=remedy).first()
    assert action is not None
    text = " ".join(letter_text(notice_letter(action, language="en")).split())
    assert expected in text, text[:400]


def test_a_levy_with_no_account_linked_yet_says_the_financial_institution():
    from enforcement.notices import partner_in_words

    assert partner_in_words("Financial institution") == "the financial institution"
    assert partner_in_words("Employer") == "your employer"
    assert partner_in_words("NY DMV") == "NY DMV"
    assert partner_in_words("Acme Collections") == "Acme Collections"  # an office's own, as typed
