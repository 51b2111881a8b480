"""Enforcement reads (selectors)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Min, Sum
from django.utils import timezone

# --- payment files and bank reconciliation ------------------------------------------------------

EXCEPTION_AGE_BUCKETS = ((0, 2, "0–2 days"), (3, 7, "3–7 days"), (8, 30, "8–30 days"), (31, None, "over 30 days"))


def reconciliation_open_exceptions(user=None) -> dict:
    """Open reconciliation exceptions for the coordinator dashboard: count and oldest age (days).
    With ``user``: those in the user's scope, the rows the exception list (``?status=open``) shows."""
    from .choices import ExceptionStatus
    from .models import ReconciliationException

    base = ReconciliationException.objects.all() if user is None else ReconciliationException.objects.restrict(user)
    row = base.filter(status=ExceptionStatus.OPEN).aggregate(count=Count("id"), oldest=Min("opened_on"))
    oldest = row["oldest"]
    return {
        "count": row["count"],
        "oldest_opened_on": oldest,
        "oldest_age_days": (timezone.localdate() - oldest).days if oldest else None,
    }


def reconciliation_day(*, day: date) -> dict:
    """Book vs bank for one day, with the open exceptions by age (the daily report)."""
    from cases.models import Collection

    from .choices import ExceptionStatus, MatchStatus
    from .models import BankTransaction, DisbursementExport, ReconciliationException

    zero = Decimal("0.00")
    book_credits = Collection.objects.filter(received_on=day).aggregate(s=Sum("amount"))["s"] or zero
    book_debits = DisbursementExport.objects.filter(export_date=day).aggregate(s=Sum("total_credit"))["s"] or zero
    bank = {
        (row["direction"], row["match_status"]): (row["total"], row["n"])
        for row in BankTransaction.objects.filter(as_of_date=day)
        .values("direction", "match_status")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by()
    }
    bank_credits = sum((v[0] for k, v in bank.items() if k[0] == "credit"), zero)
    bank_debits = sum((v[0] for k, v in bank.items() if k[0] == "debit"), zero)
    statuses = {status: sum(v[1] for k, v in bank.items() if k[1] == status) for status in MatchStatus.values}
    today = timezone.localdate()
    open_dates = list(
        ReconciliationException.objects.filter(status=ExceptionStatus.OPEN)
        .values("opened_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    ages = []
    for low, high, label in EXCEPTION_AGE_BUCKETS:
        n = sum(
            row["n"]
            for row in open_dates
            if (today - row["opened_on"]).days >= low and (high is None or (today - row["opened_on"]).days <= high)
        )
        ages.append({"label": label, "low": low, "high": high, "count": n})
    return {
        "day": day,
        "book_credits": book_credits,
        "bank_credits": bank_credits,
        "credit_difference": bank_credits - book_credits,
        "book_debits": book_debits,
        "bank_debits": bank_debits,
        "debit_difference": bank_debits - book_debits,
        "match_counts": statuses,
        "open_by_age": ages,
        "open_total": sum(a["count"] for a in ages),
    }


def disbursement_export_rows(*, export, user, limit: int = 500) -> dict:
    """The disbursements of one disbursement file that ``user`` may see (case scope), first ``limit``."""
    from cases.models import Disbursement

    rows = (
        Disbursement.objects.restrict(user, "view")
        .filter(export_batch=export.reference)
        .select_related("case")
        .only("case__case_number", "amount", "status", "is_late", "due_by")
        .order_by("pk")
    )
    shown = list(rows[:limit])
    return {"rows": shown, "more": len(shown) == limit and rows[limit : limit + 1].exists()}


def disbursement_returns_held() -> dict:
    """Returned disbursements whose money the office holds undistributed to pay again: count and
    total. Not those whose collection has since been reversed: they are not to be paid again."""
    from cases.choices import CollectionStatus, DisbursementStatus

    from .choices import ReturnOutcome
    from .models import DisbursementReturn

    row = (
        DisbursementReturn.objects.filter(outcome=ReturnOutcome.HELD, disbursement__status=DisbursementStatus.RETURNED)
        .exclude(disbursement__collection__status=CollectionStatus.REVERSED)
        .aggregate(count=Count("id"), total=Sum("amount"))
    )
    return {"count": row["count"], "total": (row["total"] or Decimal("0")).quantize(Decimal("0.01"))}


# --- remedy rules ---------------------------------------------------------------------------------


def remedy_rule_latest(*, rule):
    """The last version of ``rule``'s remedy and jurisdiction profile to take effect (``rule``
    itself when it is): what a revision starts from, since a revision is dated after it
    (``rule_revise`` refuses one dated before a scheduled version)."""
    from .models import RemedyRule

    return (
        RemedyRule.objects.filter(remedy=rule.remedy, jurisdiction=rule.jurisdiction)
        .order_by("-effective_from", "-version")
        .first()
    )
