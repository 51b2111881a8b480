"""What a merge of two people (``cases.services.people.person_merge``) must make fit among
enforcement's rows about them, where a rule allows one row per person (``core.hooks.person_merging``;
the offset certifications' is ``partner_kinds.offset.offset_certifications_merging``).

- **One active payee account** (``enf_payee_one_active``): the account given last (the newest
  row) stays active, the other is ended: a later direct-deposit authorisation replaces an earlier
  one, whichever record it was entered on.
- **One open bank match per account** (``enf_bankmatch_open_once``): the FIDM file matched the
  same account to both records. The match a bank levy was proposed on stays open (the levy works
  through it), else the one matched last (its balance is the latest); the other is released (the
  account stays matched on the kept one). Two levies proposed, one on each match, are refused:
  a person settles one before the records are merged.

Each change is returned for the merge event (and put back by its undo).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from cases.models import Person
from core.hooks import MergeChange

from ..choices import BankMatchStatus
from ..models import BankMatch, PayeeAccount

TWO_LEVIES = (
    "Both records have an open match on the same bank account with a bank levy proposed on each: "
    "settle one of the levies before merging them."
)


def rows_changed(
    model: type[Model], pks: list[int], *, field: str, before: Any, after: Any, note: str
) -> list[MergeChange]:
    """Set ``field`` of the rows ``pks`` of ``model`` from ``before`` to ``after`` and say so, one
    ``MergeChange`` each (``note`` formatted with the row's ``pk``): what a hook returns."""
    if pks:
        model._default_manager.filter(pk__in=pks).update(**{field: after})
    return [
        MergeChange(
            model=model._meta.label_lower, pk=pk, field=field, before=before, after=after, note=note.format(pk=pk)
        )
        for pk in pks
    ]


def payee_accounts_merging(*, survivor: Person, duplicate: Person) -> list[MergeChange]:
    """``core.hooks.person_merging``: one active payee account on the merged person (module docstring)."""
    active = list(
        PayeeAccount.objects.select_for_update()
        .filter(person__in=[survivor, duplicate], active=True)
        .order_by("created_at", "pk")
        .values_list("pk", "person_id")
    )
    if len(active) < 2:
        return []
    kept = active[-1][0]
    return rows_changed(
        PayeeAccount,
        [pk for pk, _ in active[:-1]],
        field="active",
        before=True,
        after=False,
        note=f"payee account {{pk}} ended: account {kept}, given later, is the one paid to",
    )


def bank_matches_merging(*, survivor: Person, duplicate: Person) -> list[MergeChange]:
    """``core.hooks.person_merging``: one open bank match per account on the merged person (module
    docstring); two levies proposed on one account's two matches refuse the merge."""
    rows = (
        BankMatch.objects.select_for_update()
        .filter(person__in=[survivor, duplicate], status=BankMatchStatus.OPEN)
        .exclude(account_key="")
        .order_by("pk")
        .values("pk", "person_id", "account_key", "action_id", "matched_on")
    )
    by_account: dict[str, list[dict]] = {}
    for row in rows:
        by_account.setdefault(row["account_key"], []).append(row)
    changes = []
    for pair in by_account.values():
        if len(pair) < 2:
            continue  # one match per person and account: two are one on each record
        levied = [row for row in pair if row["action_id"] is not None]
        if len({row["action_id"] for row in levied}) > 1:
            raise ValidationError(TWO_LEVIES)
        kept = max(pair, key=lambda row: (row["action_id"] is not None, row["matched_on"], row["pk"]))
        changes += rows_changed(
            BankMatch,
            [row["pk"] for row in pair if row is not kept],
            field="status",
            before=BankMatchStatus.OPEN.value,
            after=BankMatchStatus.RELEASED.value,
            note=f"bank match {{pk}} released: match {kept['pk']} of the same account stays open",
        )
    return changes
