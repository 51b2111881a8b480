"""The notice letter of an enforcement action, in the shared letter layout (``core.letters``).

The letter shows the rule, the arrears on the notice date, the figures on the day the action fired
(labelled as such) and the due-process dates, in the NCP's language (``Person.preferred_language``,
issue 15.6). It cites the rule's own legal authority, which is the law of the case's jurisdiction
(rules are per jurisdiction profile). The mailing block comes from ``cases.letters.recipient_block``:
for an NCP with the family violence indicator it is the office's confidential mailing arrangement,
never an address (42 USC 654(26)).

A bank levy's notice names the institution(s) holding the NCP's levied accounts, so the NCP knows
which account and can contest a mistaken match: from the ``BankMatch`` rows through the whereabouts
rule (``action_selectors.levy_institutions_shown``), since the letter is also read on the action's
page; for an NCP whose whereabouts are withheld it says "the financial institution", as the
action's own partner text always does.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.choices import Frequency
from cases.letters import person_language, recipient_block
from cases.models import Address
from core.letters import Letter, MailingBlock, letter_date, letter_pdf
from core.money import display

from .action_selectors import levy_institutions_shown, withholding_employers_shown
from .choices import Remedy
from .models import EnforcementAction

KIND = "enforcement_notice"

# The partners the seeded rules name (``rules_seed``) and the neutral partners the imports write
# (FIDM, new hires: frozen text that names no bank or employer), marked for the catalogue so that a
# notice in Spanish names them in Spanish. A partner an office types into a rule of its own prints
# as typed.
SEEDED_PARTNERS = frozenset(
    {
        gettext_noop("the financial institution"),
        gettext_noop("the new employer"),
        gettext_noop("Employer"),
        gettext_noop("OCSE Federal Offset Program (U.S. Treasury)"),
        gettext_noop("State tax department"),
        gettext_noop("U.S. Department of State (through OCSE)"),
        gettext_noop("Financial institution"),
        gettext_noop("Consumer reporting agencies"),
        gettext_noop("NY DMV"),
        gettext_noop("CA DMV"),
        gettext_noop("Franchise Tax Board (state collection)"),
    }
)


# The pay cycles the withholding order restates its total in ("Amounts to withhold", ``iwo_figures``).
PAY_PERIODS = (
    (Frequency.WEEKLY, gettext_noop("To be withheld if you are paid every week")),
    (Frequency.BIWEEKLY, gettext_noop("To be withheld if you are paid every two weeks")),
    (Frequency.SEMIMONTHLY, gettext_noop("To be withheld if you are paid twice a month")),
    (Frequency.MONTHLY, gettext_noop("To be withheld if you are paid once a month")),
)


# The seeded partners that are common nouns, as the notice's sentence says them ("…, sent to the
# financial institution."): a label pasted into a sentence ("sent to Financial institution.") reads
# as a form letter. Staff pages keep the label.
IN_A_SENTENCE = {
    "Financial institution": gettext_noop("the financial institution"),
    "Employer": gettext_noop("your employer"),
    "Consumer reporting agencies": gettext_noop("the consumer reporting agencies"),
    "State tax department": gettext_noop("the state tax department"),
}


def partner_in_words(partner: str) -> str:
    """``partner`` as the notice's sentence says it, in the active language, when it is one the
    seeded rules name; else as typed (an office's own partner)."""
    if partner in IN_A_SENTENCE:
        return _(IN_A_SENTENCE[partner])
    return _(partner) if partner in SEEDED_PARTNERS else partner


def notice_letter(action: EnforcementAction, *, language: str | None = None) -> Letter:
    return notice_letter_addressed(action, language=language)[0]


def notice_letter_addressed(action: EnforcementAction, *, language: str | None = None) -> tuple[Letter, Address | None]:
    """The letter and the address row its mailing block prints (``None``: FVI or none on file)."""
    # The version the case was checked against on the notice date, which set the contest window
    # (``action_notice_issue``); before the notice, the version that fired the action.
    rule = action.notice_rule or action.rule
    case = action.case
    ncp = case.ncp
    language = language or person_language(ncp)
    with translation.override(language):
        if ncp is not None:
            block, address = recipient_block(ncp)
        else:
            block, address = MailingBlock(name=_("Noncustodial parent")), None
        remedy = action.get_remedy_display()
        figures = []
        if action.notice_issued_on and action.notice_total_arrears is not None:
            on = letter_date(action.notice_issued_on, language)
            figures += [
                (
                    _("Total arrears on %(date)s (the date of this notice)") % {"date": on},
                    display(action.notice_total_arrears),
                ),
                (_("Assigned arrears (owed to the state)"), display(action.notice_assigned_arrears)),
                (_("Unassigned arrears (owed to the family)"), display(action.notice_unassigned_arrears)),
                (_("Months of support in arrears"), f"{action.notice_months_in_arrears}"),
            ]
        fired = {"date": letter_date(action.proposed_on, language)}
        figures += [
            (_("Total arrears when the rule applied on %(date)s") % fired, display(action.total_arrears)),
            (_("Assigned arrears when the rule applied on %(date)s") % fired, display(action.assigned_arrears)),
            (_("Unassigned arrears when the rule applied on %(date)s") % fired, display(action.unassigned_arrears)),
            (
                _("Months of support in arrears when the rule applied on %(date)s") % fired,
                f"{action.months_in_arrears}",
            ),
        ]
        if action.delinquent_since:
            figures.append((_("Delinquent since"), letter_date(action.delinquent_since, language)))
        totals = action.ncp_figures
        if totals:
            for key, label in (
                ("assigned_arrears", _("Assigned arrears on all your cases when the rule applied on %(date)s")),
                ("unassigned_arrears", _("Unassigned arrears on all your cases when the rule applied on %(date)s")),
            ):
                if totals[key] is not None:
                    figures.append((label % fired, display(totals[key])))
        employers = withholding_employers_shown(action, on=action.notice_issued_on or timezone.localdate())
        named = levy_institutions_shown(action) or employers
        sections = [
            (
                "",
                _("The child support office intends to take the following action: %(remedy)s, sent to %(partner)s.")
                % {
                    "remedy": remedy,
                    "partner": ", ".join(named or [])
                    or (_("your employer") if action.remedy == Remedy.INCOME_WITHHOLDING else "")
                    or partner_in_words(action.partner or rule.partner)
                    or _("the responsible agency"),
                },
            ),
            (
                _("Why"),
                _("The rule: %(rule)s. Legal authority: %(citation)s.")
                % {"rule": rule.threshold_text(to_ncp=True), "citation": rule.citation},
            ),
        ]
        if action.remedy == Remedy.INCOME_WITHHOLDING:
            withholding = _withholding_terms(action, employers=employers or [])
            if withholding is not None:
                sections.append(withholding[0])
                figures += withholding[1]
        # A rule with no notice and no contest days (CA transfer to state collection, Fam. Code
        # 17500(c): a referral with no contest stage) has no period to offer: the letter would
        # otherwise say "you may contest until" its own date.
        ends_on = action.contest_ends_on
        if ends_on is not None and action.has_contest_period:
            sections.append(
                (
                    _("Your right to contest"),
                    _(
                        "You may contest this action until %(date)s by contacting the office and giving your reason "
                        "(for example, a mistake in the amount owed or in your identity)."
                    )
                    % {"date": letter_date(ends_on, language)},
                )
            )
        # The release the sweep grants: only a rule released when paid promises it (``_release``).
        if rule.release_when_paid:
            sections.append(("", _("If you pay the arrears in full the action will be released.")))
        elif action.remedy == Remedy.INCOME_WITHHOLDING:
            # Paid up, it is released only once no current support is due (or the case closes).
            sections.append(
                (
                    "",
                    _(
                        "Paying the arrears in full does not end the income withholding: your employer goes on "
                        "withholding your current support as your support order requires."
                    ),
                )
            )
        letter = Letter(
            kind=KIND,
            subject=_("Notice of intended enforcement action: %(remedy)s") % {"remedy": remedy},
            recipient=block,
            date=action.notice_issued_on,
            language=language,
            references=[(_("Case number"), case.case_number), (_("Notice reference"), action.reference)],
            sections=sections,
            figures=figures,
            figures_heading=_("The figures"),
            citation=rule.citation,
        )
    return letter, address


def _withholding_terms(
    action: EnforcementAction, *, employers: list[str]
) -> tuple[tuple[str, str], list[tuple[str, str]]] | None:
    """What the employer is told to withhold, for the NCP's notice (42 USC 666(b)(4)(B): the notice
    to the obligor includes the information given to the employer under (b)(6)(A)): the monthly
    total, the amount per pay period and the CCPA limit (15 USC 1673(b)), the same figures the
    withholding order states (``iwo_figures``), on the notice date. An issued notice prints the
    figures kept when it was issued (``notice_withholding_record``): shown again or reprinted it
    says what was sent. One issued before they were kept (enforcement 0029) computes them on its
    date, its past-due lines decided by the arrears it states (not by a later payment). ``None``
    when there is nothing to withhold (no order in force): no order would go out. Called under the
    letter's language."""
    from .services.withholding import iwo_figures, nothing_to_withhold

    if action.notice_withhold_monthly is not None:
        per = {frequency: getattr(action, name) for frequency, name in EnforcementAction.NOTICE_WITHHOLD_PER.items()}
        limit = action.notice_withhold_limit_percent
        if not any(amount > 0 for amount in per.values()):
            return None
    else:
        terms = iwo_figures(
            case=action.case,
            on=action.notice_issued_on or timezone.localdate(),
            arrears_owed=action.notice_total_arrears,
        )
        if nothing_to_withhold(terms):
            return None
        per, limit = terms.per, terms.withholding_limit_percent
    text = _(
        "%(employer)s will be told to withhold %(amount)s a month from your pay for your support, or the amount "
        "below for your pay period, but never more than %(percent)s%% of your disposable earnings, and to send it "
        "to the State Disbursement Unit."
    ) % {
        "employer": ", ".join(employers) or _("Your employer"),
        "amount": display(per[Frequency.MONTHLY]),
        "percent": limit,
    }
    rows = [(_(label), display(per[frequency])) for frequency, label in PAY_PERIODS]
    return (_("What your employer will withhold"), text), rows


def notice_pdf(action: EnforcementAction, *, language: str | None = None) -> bytes:
    return letter_pdf(notice_letter(action, language=language))
