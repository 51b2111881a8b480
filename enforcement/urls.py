from django.urls import include, path

from .views import actions, courts, dashboard, rules, withholding

app_name = "enforcement"

urlpatterns: list = [
    path("", dashboard.CoordinatorDashboardView.as_view(), name="dashboard"),
    path("delinquent-cases/", dashboard.DelinquentCaseListView.as_view(), name="delinquent_cases"),
    path("actions/", actions.ActionQueueView.as_view(), name="action_list"),
    path("actions/<int:pk>/", actions.ActionDetailView.as_view(), name="action_detail"),
    path("actions/issue-notices/", actions.ActionBulkIssueView.as_view(), name="action_bulk_issue"),
    path("actions/<int:pk>/notice/", actions.ActionNoticeView.as_view(), name="action_notice"),
    path("actions/<int:pk>/notice.pdf", actions.ActionNoticePdfView.as_view(), name="action_notice_pdf"),
    path("actions/<int:pk>/issue-notice/", actions.ActionNoticeIssueView.as_view(), name="action_issue_notice"),
    path("actions/<int:pk>/contest/", actions.ActionContestView.as_view(), name="action_contest"),
    path("actions/<int:pk>/decide/", actions.ActionDecideView.as_view(), name="action_decide"),
    path("actions/<int:pk>/activate/", actions.ActionActivateView.as_view(), name="action_activate"),
    path("actions/<int:pk>/end/", actions.ActionEndView.as_view(), name="action_end"),
    path("actions/<int:pk>/income-check/", actions.ActionIncomeCheckView.as_view(), name="action_income_check"),
    path("actions/<int:pk>/withholding/issue/", withholding.ActionIwoIssueView.as_view(), name="action_iwo_issue"),
    path(
        "actions/<int:pk>/withholding/lump-sum/", withholding.ActionIwoLumpSumView.as_view(), name="action_iwo_lump_sum"
    ),
    path("withholding-orders/<int:pk>/", withholding.IwoDetailView.as_view(), name="iwo_detail"),
    path("withholding-orders/<int:pk>/iwo.pdf", withholding.IwoPdfView.as_view(), name="iwo_pdf"),
    path("rules/", rules.RuleListView.as_view(), name="rule_list"),
    path("rules/<int:pk>/revise/", rules.RuleReviseView.as_view(), name="rule_revise"),
    path("sweeps/", rules.SweepRunListView.as_view(), name="sweeprun_list"),
    path("sweeps/start/", rules.SweepStartView.as_view(), name="sweep_start"),
    path("sweeps/<int:pk>/resume/", rules.SweepRunResumeView.as_view(), name="sweeprun_resume"),
    path("court/petitions/", courts.PetitionListView.as_view(), name="petition_list"),
    path("court/petitions/new/", courts.PetitionCreateView.as_view(), name="petition_create"),
    path("court/petitions/<int:pk>/", courts.PetitionDetailView.as_view(), name="petition_detail"),
    path("court/petitions/<int:pk>/update/", courts.PetitionUpdateView.as_view(), name="petition_update"),
    path("court/petitions/<int:pk>/outcome/", courts.PetitionOutcomeView.as_view(), name="petition_outcome"),
    path("court/petitions/<int:pk>/hearings/", courts.HearingCreateView.as_view(), name="hearing_create"),
    path("court/hearings/<int:pk>/result/", courts.HearingResultView.as_view(), name="hearing_result"),
    path("court/calendar/", courts.CourtCalendarView.as_view(), name="court_calendar"),
    path("court/referrals/", courts.ReferralListView.as_view(), name="referral_list"),
    path("court/referrals/new/", courts.ReferralCreateView.as_view(), name="referral_create"),
    path("court/referrals/<int:pk>/", courts.ReferralDetailView.as_view(), name="referral_detail"),
    # payment files, disbursement files, bank reconciliation
    path("", include("enforcement.file_urls")),
]
