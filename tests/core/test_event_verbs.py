"""Domain event verbs: one vocabulary in one style, with words for people (issue 18.5)."""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path

import pytest
from django.apps import apps

from core.events import known_verbs, label_for, legacy_verb, verb_choices
from core.models import DomainEvent
from core.services import event_record, events_bulk_record

ROOT = Path(__file__).resolve().parents[2]
STYLE = re.compile(r"^[a-z][a-z_]*\.[a-z0-9_]+$")
WRITTEN = re.compile(r'(?:verb=|created=|changed=|_VERB = |MARKER = )"([^"{]+)"')
# ``verb="a.b" if x else "c.d"``: the verb after ``else`` is written too.
WRITTEN_ELSE = re.compile(r'verb="[^"{]+" if [^\n]*? else "([^"{]+)"')


def _app_sources():
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in tracked.stdout.split():
        if "/migrations/" in name or name.startswith(("tests/", "bench/")) or not (ROOT / name).exists():
            continue
        yield name, (ROOT / name).read_text()


def test_every_registered_verb_is_dotted_lower_case_and_has_words():
    verbs = known_verbs()
    assert len(verbs) > 100
    assert [v for v in verbs if not STYLE.match(v)] == []
    for choices in verb_choices():
        for value, label in choices.choices:
            assert label and label[0].isupper() and "." not in label and "_" not in label, (value, label)


def test_every_verb_the_code_writes_is_registered():
    unknown = sorted(
        {
            (name, verb)
            for name, text in _app_sources()
            for verb in WRITTEN.findall(text) + WRITTEN_ELSE.findall(text)
            if verb not in known_verbs()
        }
    )
    assert unknown == [], "Verbs written but not listed in <app>/choices.py EVENT_VERBS: " + repr(unknown)


def test_each_app_names_its_own_choices():
    modules = {choices.__module__ for choices in verb_choices()}
    assert {"cases.choices", "enforcement.choices", "complaints.choices", "hearings.choices"} <= modules


def test_label_for_reads_the_registry_and_spells_out_an_unknown_verb():
    assert label_for("collection.posted") == "Collection posted"
    assert label_for("enforcement.action_contest_window_opened") == "Enforcement action contest window opened"
    assert label_for("fvi.override_granted") == "Court override of the family violence indicator recorded"
    assert label_for("fvi.merge_something") == "FVI merge something"  # an unlisted verb, spelled out
    assert label_for("someapp.thing_done") == "Someapp thing done"


def test_legacy_verbs_become_dotted_and_dotted_ones_stay():
    assert legacy_verb("collection posted") == "collection.posted"
    assert legacy_verb("criminal non-support referral") == "criminal.non_support_referral"
    assert legacy_verb("case.opened") == "case.opened"
    assert legacy_verb("payment file imported") == "payment.file_imported"


@pytest.mark.django_db
def test_the_data_migration_rewrites_old_verbs_and_back():
    # given events written with the old spaced verbs, and one already dotted
    events_bulk_record(
        [
            DomainEvent(verb="collection posted", summary="a"),
            DomainEvent(verb="enforcement action contest window opened", summary="b"),
            DomainEvent(verb="case.opened", summary="c"),
        ]
    )
    migration = importlib.import_module("core.migrations.0008_event_verbs_dotted")
    # when the migration runs
    migration.forwards(apps, None)
    # then every verb is in the new style and registered
    rows = dict(DomainEvent.objects.values_list("summary", "verb"))
    assert rows == {"a": "collection.posted", "b": "enforcement.action_contest_window_opened", "c": "case.opened"}
    assert set(rows.values()) <= known_verbs()
    # and backwards restores the old words (only for verbs it wrote)
    migration.backwards(apps, None)
    assert dict(DomainEvent.objects.values_list("summary", "verb")) == {
        "a": "collection posted",
        "b": "enforcement action contest window opened",
        "c": "case.opened",
    }


@pytest.mark.django_db
def test_events_bulk_record_writes_instances_or_rows():
    assert events_bulk_record([DomainEvent(verb="case.opened", case_id=7)]) == 1
    written = events_bulk_record(
        fields=("verb", "case_id", "summary"),
        rows=[("collection.posted", 8, "x"), ("collection.held", 8, "y")],
        values={"actor_label": "batch"},
    )
    assert written == 2
    assert list(DomainEvent.objects.filter(case_id=8).order_by("id").values_list("verb", "actor_label")) == [
        ("collection.posted", "batch"),
        ("collection.held", "batch"),
    ]
    event_record(verb="case.closed", case_id=8)
    assert DomainEvent.objects.filter(case_id=8).count() == 3


@pytest.mark.django_db
def test_training_0003_rewrites_the_spaced_enrolment_verb_and_back():
    events_bulk_record(
        [DomainEvent(verb="training enrolled", summary="a"), DomainEvent(verb="training.waitlisted", summary="b")]
    )
    migration = importlib.import_module("training.migrations.0003_enrolled_event_verb")
    migration.forwards(apps, None)
    assert dict(DomainEvent.objects.values_list("summary", "verb")) == {
        "a": "training.enrolled",
        "b": "training.waitlisted",
    }
    migration.backwards(apps, None)
    assert DomainEvent.objects.get(summary="a").verb == "training enrolled"
