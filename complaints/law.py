"""The law a complaint or hearing letter cites, by the office's jurisdiction profile.

A New York office never cites the California Family Code or 22 CCR (issue 11.9): each letter and
page asks ``citation(key, jurisdiction)`` instead of writing a section number. California: Family
Code 17800 (complaint, resolution within 30 days, extension by 30), 17801 (state hearing);
22 CCR 120100. New York: the federal administrative complaint procedure every IV-D agency must
have (45 CFR 303.35) and the state fair hearing (N.Y. Social Services Law 22; 18 NYCRR Part 358),
marked *confirm* as DOMAIN.md gives no New York source for them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.deadlines import profile

CITATIONS: dict[str, dict[str, Any]] = {
    "CA": {
        "complaint": "Fam. Code 17800; 22 CCR 120100",
        "extension": "Fam. Code 17800",
        "hearing": "Fam. Code 17801",
        "hearing_request": "Fam. Code 17801",
        "dismissal_notice": "22 CCR 120211(b)",
        "abandonment_notice": "22 CCR 120213(b)",
        "hearing_body": _("a state hearing"),
    },
    "NY": {
        "complaint": "45 CFR 303.35",
        # (No English words in a citation: it is printed as is in every language.)
        "extension": "45 CFR 303.35",
        # Marked *confirm* here (see above), not on the letter a parent reads.
        "hearing": "N.Y. Social Services Law 22; 18 NYCRR Part 358",
        # When and after what a fair hearing may be requested (the 60 days: 18 NYCRR 358-3.5(b)(1)).
        "hearing_request": "18 NYCRR 358-3.5",
        # An abandoned request reopened when asked within one calendar year, with a good cause reason.
        "abandonment_reopen": "18 NYCRR 358-5.5(c)",
        "hearing_body": _("a fair hearing"),
    },
}


def citation(key: str, jurisdiction: str | None = None) -> str:
    """The citation for ``key`` (complaint, extension, hearing) in the jurisdiction's own law."""
    return str(CITATIONS[profile(jurisdiction)][key])  # the body's name in the active language
