"""The income withholding notice to the NCP says what the employer will be told to withhold and
which employer: 42 USC 666(b)(4)(B), "The notice under subparagraph (A) of this paragraph shall
include the information provided to the employer under paragraph (6)(A)" (red team rtletters: it
said only "Income withholding, sent to Employer" and the arrears). The figures are the withholding
order's own (``iwo_figures``); the employer is named through the whereabouts rule, as a levy's bank
is: the letter is mailed to the NCP but its text is also read on the action's page, so an FVI NCP's
employer is "your employer" (42 USC 654(26))."""

from __future__ import annotations

from datetime import date

import pytest

from cases.models import Person
from core.letters import letter_text
from enforcement.choices import Remedy
from enforcement.models import EnforcementAction
from enforcement.notices import notice_letter
from enforcement.services.actions import action_notice_issue
from enforcement.services.sweep import sweep_run_inline
from enforcement.services.withholding import iwo_figures
from tests.cases.factories import EmployerFactory, EmploymentFactory
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db
EMPLOYER = "Hudson Valley Logistics"


def _noticed_withholding(*, fvi: bool = False) -> EnforcementAction:
    # $500 a month of current support, $1,200 of arrears, a known employer
    case = delinquent_case(monthly="500.00", unassigned="1200.00")
    EmploymentFactory(person=case.ncp, employer=EmployerFactory(name=EMPLOYER), started_on=date(2024, 1, 8))
    sweep_run_inline(as_of=AS_OF)
    if fvi:
        Person.objects.filter(pk=case.ncp.pk).update(family_violence=True)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.INCOME_WITHHOLDING)
    return action_notice_issue(action=action, by=None, on=AS_OF)


def test_the_withholding_notice_states_the_amount_the_employer_will_withhold():
    action = _noticed_withholding()
    text = letter_text(notice_letter(action, language="en"))
    # the NCP reads what the employer will be told to withhold (the order's figures), and which employer
    figures = iwo_figures(case=action.case, on=AS_OF)
    assert f"sent to {EMPLOYER}." in text
    assert f"{EMPLOYER} will be told to withhold $500.00 a month from your pay" in text
    assert f"never more than {figures.withholding_limit_percent}% of your disposable earnings" in text
    shown = dict(notice_letter(action, language="en").figures)
    assert shown["To be withheld if you are paid once a month"] == "$500.00"
    assert shown["To be withheld if you are paid every week"] == f"${figures.per['weekly']:,.2f}" == "$115.38"


def test_the_spanish_notice_states_the_amounts_in_spanish():
    text = letter_text(notice_letter(_noticed_withholding(), language="es"))
    assert f"{EMPLOYER} recibirá la orden de retener $500.00 al mes de su salario" in text
    assert "Lo que retendrá su empleador" in text and "will be told" not in text


def test_an_fvi_ncps_notice_states_the_amounts_but_names_no_employer():
    text = letter_text(notice_letter(_noticed_withholding(fvi=True), language="en"))
    assert EMPLOYER not in text
    assert "sent to your employer." in text and "Your employer will be told to withhold $500.00 a month" in text
