"""Write an income withholding action's Income Withholding for Support (OMB 0970-0154) as a PDF:
``manage.py iwo_pdf ACTION_ID --output FILE [--control-number N] [--date YYYY-MM-DD]``.

Issues what the action needs first (``iwo_reconcile_action``: an original when the action is
active and the NCP has an employer, an amendment when the order changed, a termination when the
action ended), then writes the latest order (or the one named by ``--control-number``). With an NMSN
where the order requires health coverage. Exits non-zero, saying why, when there is nothing to write.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.services import event_about
from enforcement.iwo import iwo_pdf
from enforcement.models import EnforcementAction, IncomeWithholdingOrder
from enforcement.services.withholding import iwo_reconcile_action


class Command(BaseCommand):
    help = "Write the income withholding order (IWO PDF, with the NMSN where coverage is ordered) of an action."

    def add_arguments(self, parser):
        parser.add_argument("action_id", type=int)
        parser.add_argument("--output", type=Path, required=True, help="Write the PDF here.")
        parser.add_argument("--control-number", default="", help="This order of the action (default: the latest).")
        parser.add_argument(
            "--date",
            dest="on",
            type=date.fromisoformat,
            default=None,
            help="Issue date for a new order (default today).",
        )

    def handle(self, *args, action_id: int, output: Path, control_number: str, on: date | None, **options):
        action = EnforcementAction.objects.filter(pk=action_id).select_related("case").first()
        if action is None:
            raise CommandError(f"No enforcement action {action_id}.")
        if action.remedy != "income_withholding":
            raise CommandError(f"Action {action_id} is {action.get_remedy_display().lower()}, not income withholding.")
        try:
            issued = iwo_reconcile_action(action=action, on=on or timezone.localdate())
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        orders = IncomeWithholdingOrder.objects.filter(action=action).select_related("case", "supersedes")
        iwo = (orders.filter(control_number=control_number) if control_number else orders.order_by("-id")).first()
        if iwo is None:
            reason = (
                f"no income withholding order {control_number} on action {action_id}"
                if control_number
                else f"action {action_id} has no income withholding order: it is {action.get_status_display().lower()}"
                " and an order is issued only when it is active and the NCP has a known employer"
            )
            raise CommandError(reason[:1].upper() + reason[1:] + ".")
        content = iwo_pdf(iwo)
        partial = output.with_name(f".{output.name}.partial")
        try:
            partial.write_bytes(content)
            os.replace(partial, output)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Could not write {output}: {exc}") from exc
        event_about(
            action,
            verb="withholding.order_printed",
            actor_label="command iwo_pdf",
            summary=f"{iwo.control_number} written to a file",
        )
        new = f" (issued now: {', '.join(i.kind for i in issued)})" if issued else ""
        self.stdout.write(
            f"{iwo.control_number} {iwo.kind} to {iwo.employer_name}{new}: {len(content)} bytes written to {output}"
        )
