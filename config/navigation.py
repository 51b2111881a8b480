"""The sidebar, whole, in one place (as NetBox's ``navigation/menu.py``): its groups in the order
shown, each item's label, URL name and the permission it needs (``None``: any signed-in user), and
the home cards each group's area offers (``<app>/navigation.py``: ``home_cards(request)``).

``config`` may know every app; ``core.navigation`` reads this list through
``settings.CASEWORKS_MENU`` and shows each user only the items whose permission the user holds.
"""

from cases import navigation as cases_navigation
from complaints import navigation as complaints_navigation
from core.navigation import MenuGroup, MenuItem
from enforcement import file_navigation as enforcement_file_navigation
from enforcement import navigation as enforcement_navigation
from hearings import navigation as hearings_navigation
from outreach import navigation as outreach_navigation
from quality import navigation as quality_navigation
from training import navigation as training_navigation

MENU = [
    MenuGroup(
        "Cases",
        [
            MenuItem("My caseload", "cases:case_list", "cases.view_case"),
            MenuItem("Open a case", "cases:case_create", "cases.add_case"),
            MenuItem("My work items", "cases:workitem_list", "cases.view_workitem"),
            MenuItem("Caseloads", "cases:caseloads", "cases.reassign_case"),
            MenuItem("Duplicate people", "cases:person_duplicates", "cases.merge_person"),
            MenuItem("Accrual runs", "cases:ledgerrun_list", "cases.view_ledgerrun"),
        ],
        home_cards=cases_navigation.home_cards,
    ),
    MenuGroup(
        "Enforcement",
        [
            MenuItem(
                "Coordinator dashboard",
                "enforcement:dashboard",
                ("enforcement.view_sweeprun", "enforcement.view_enforcementaction"),
            ),
            MenuItem("Enforcement queue", "enforcement:action_list", "enforcement.view_enforcementaction"),
            MenuItem("Court petitions", "enforcement:petition_list", "enforcement.view_petition"),
            MenuItem("Court calendar", "enforcement:court_calendar", "enforcement.view_courthearing"),
            MenuItem("Criminal referrals", "enforcement:referral_list", "enforcement.view_criminalreferral"),
            MenuItem("Sweep runs", "enforcement:sweeprun_list", "enforcement.view_sweeprun"),
            MenuItem("Remedy rules", "enforcement:rule_list", "enforcement.view_remedyrule"),
        ],
        home_cards=enforcement_navigation.home_cards,
    ),
    MenuGroup(
        "Complaints",
        [
            MenuItem("Complaints queue", "complaints:complaint_list", "complaints.view_complaint"),
            MenuItem("Record a complaint", "complaints:complaint_create", "complaints.add_complaint"),
            MenuItem("Complaints report", "complaints:report", "complaints.view_complaint_report"),
            MenuItem("My notices", "complaints:notice_list"),
            MenuItem("Public complaint form", "complaints:public_form", "complaints.add_complaint"),
        ],
        home_cards=complaints_navigation.home_cards,
    ),
    MenuGroup(
        "State hearings",
        [
            MenuItem("Hearing requests", "hearings:request_list", "hearings.view_hearingrequest"),
            MenuItem("Record a request", "hearings:request_create", "hearings.add_hearingrequest"),
            MenuItem("Docket", "hearings:docket", "hearings.view_hearing"),
        ],
        home_cards=hearings_navigation.home_cards,
    ),
    MenuGroup(
        "Outreach",
        [
            MenuItem("Calendar", "outreach:event_calendar", "outreach.view_calendar"),
            MenuItem("Events", "outreach:event_list", "outreach.view_event"),
            MenuItem("Organisations", "outreach:organisation_list", "outreach.view_organisation"),
            MenuItem("Materials", "outreach:material_list", "outreach.view_material"),
            MenuItem("Announcements", "outreach:announcement_list", "outreach.view_announcement"),
            MenuItem("Media inquiries", "outreach:mediainquiry_list", "outreach.view_mediainquiry"),
            MenuItem("Media contacts", "outreach:mediacontact_list", "outreach.view_mediacontact"),
            MenuItem("Feedback surveys", "outreach:survey_list", "outreach.view_survey"),
            MenuItem("Outreach dashboard", "outreach:dashboard", "outreach.view_dashboard"),
        ],
        home_cards=outreach_navigation.home_cards,
    ),
    MenuGroup(
        "Training",
        [
            MenuItem("My training", "training:my_training"),
            MenuItem("Trainer dashboard", "training:dashboard", "training.view_enrolment"),
            MenuItem("Courses", "training:course_list", "training.view_course"),
            MenuItem("Sessions", "training:session_list", "training.view_trainingsession"),
            MenuItem("Compliance", "training:compliance", "training.view_coursecompletion"),
            MenuItem("Needs survey", "training:needs_list", "training.view_needssurvey"),
            MenuItem("Policies & procedures", "training:policy_list", "training.view_policydocument"),
        ],
        home_cards=training_navigation.home_cards,
    ),
    MenuGroup(
        "Quality",
        [
            MenuItem("Performance dashboard", "quality:dashboard", "quality.view_snapshot"),
            MenuItem("OCSE-157 measures", "quality:ocse157", "quality.view_snapshot"),
            MenuItem("Timeframe compliance", "quality:timeframes", "quality.view_snapshot"),
            MenuItem("Self-assessment reviews", "quality:review_list", "quality.view_review"),
            MenuItem("Review criteria", "quality:criterion_list", "quality.view_criterionrule"),
            MenuItem("Improvement plans", "quality:plan_list", "quality.view_improvementplan"),
            MenuItem("Performance goals", "quality:goal_list", "quality.view_performancegoal"),
            MenuItem("Expenditures", "quality:expenditure_list", "quality.view_expenditure"),
        ],
        home_cards=quality_navigation.home_cards,
    ),
    MenuGroup(
        "Guidelines",
        [
            MenuItem("NY CSSA calculator", "guidelines:ny"),
            MenuItem("CA guideline calculator", "guidelines:ca"),
            MenuItem("Order reviews", "reviews:list", "cases.view_orderreview"),
            MenuItem("Legal parameters", "core:legal_parameters", "core.view_legalparameter"),
        ],
    ),
    MenuGroup(
        "Payments & bank",
        [
            MenuItem("Held collections", "ledger:held_list", "cases.view_collection"),
            MenuItem("Late disbursements", "ledger:late_disbursements", "cases.view_disbursement"),
            MenuItem("Employer payment files", "enforcement:paymentfile_list", "enforcement.view_paymentfile"),
            MenuItem(
                "Disbursement files", "enforcement:disbursementexport_list", "enforcement.view_disbursementexport"
            ),
            MenuItem("Disbursement returns", "enforcement:nachareturnfile_list", "enforcement.view_nachareturnfile"),
            MenuItem("Bank statements", "enforcement:bankstatement_list", "enforcement.view_bankstatement"),
            MenuItem("Daily reconciliation", "enforcement:reconciliation_report", "enforcement.view_bankstatement"),
            MenuItem("Partner files", "enforcement:partnerfile_list", "enforcement.view_partnerfile"),
            MenuItem(
                "Reconciliation exceptions",
                "enforcement:reconciliationexception_list",
                "enforcement.view_reconciliationexception",
            ),
        ],
        home_cards=enforcement_file_navigation.home_cards,
    ),
    MenuGroup(
        "Audit",
        [
            MenuItem("Security log", "core:audit_access", "core.view_security_log"),
            MenuItem("Domain events", "core:audit_events", "core.view_domainevent"),
            MenuItem("Change history", "core:audit_changes", "core.view_domainevent"),
        ],
    ),
]
