-- Floor of the enforcement sweep (enforcement.services.sweep, every chunk of the office at once):
-- the same rows written by hand-written set-based SQL. Run inside a transaction that is rolled
-- back, on the state the sweep starts from (bench/nightly.py). %(as_of)s: the run date;
-- %(action_type)s: the content type of EnforcementAction (the events' subject type).
-- The rules in effect are in the temporary table sweep_floor_rule, loaded by the bench: one row per
-- enabled RemedyRule version in effect on %(as_of)s with its thresholds made the stricter of the
-- office's and the law's (enforcement.legal_floors.rule_under_law), its action timeframe in days
-- (45 CFR 303.6(c)(2)), its threshold text, remedy label and citation: a few rows of Python, as the
-- sweep reads them; everything per case is below.
-- Left out: the run and chunk rows (one sweep_run_id for every proposal: NULL here), the row locks
-- (SELECT ... FOR UPDATE of the actions moved), and the per-chunk temporary figures table and its
-- ANALYZE (the NCP totals are one CTE over the office here).
-- 1. release the open actions (not contested) of closed cases, then of paid-up cases, one event each.
WITH released AS (
    UPDATE enforcement_enforcementaction a SET status = 'released', ended_on = %(as_of)s, next_step_on = NULL,
           release_reason = CASE WHEN c.status <> 'open' THEN 'case_closed' ELSE 'paid_up' END, updated_at = now()
    FROM cases_case c, cases_casebalance b, enforcement_remedyrule r
    WHERE c.id = a.case_id AND b.case_id = a.case_id AND r.id = a.rule_id
      AND a.status IN ('proposed', 'noticed', 'contest_window', 'active')
      AND (c.status <> 'open' OR (b.total_arrears <= 0 AND (r.release_when_paid OR b.monthly_obligation <= 0)))
    RETURNING a.id, a.case_id, a.remedy, a.release_reason
)
INSERT INTO core_domainevent (occurred_at, actor_label, verb, subject_type_id, subject_id, case_id, summary, data)
SELECT now(), 'enforcement sweep floor', 'enforcement.action_released', %(action_type)s, id, case_id,
       remedy || ' released: ' || CASE release_reason WHEN 'case_closed' THEN 'Case closed' ELSE 'Paid up' END,
       jsonb_build_object('reason', release_reason)
FROM released ORDER BY id;
-- 2. notice period over: contest window open; then contest window over (after its last day, contest_ends_on):
--    active (and a levy's matches levied).
WITH opened AS (
    UPDATE enforcement_enforcementaction SET status = 'contest_window', next_step_on = contest_ends_on, updated_at = now()
    WHERE status = 'noticed' AND contest_opens_on <= %(as_of)s
    RETURNING id, case_id, remedy
)
INSERT INTO core_domainevent (occurred_at, actor_label, verb, subject_type_id, subject_id, case_id, summary, data)
SELECT now(), 'enforcement sweep floor', 'enforcement.action_contest_window_opened', %(action_type)s, id, case_id,
       remedy || ': notice period over, contest window open', '{}'::jsonb
FROM opened ORDER BY id;
WITH activated AS (
    UPDATE enforcement_enforcementaction SET status = 'active', activated_on = %(as_of)s, next_step_on = NULL,
           updated_at = now()
    WHERE status = 'contest_window' AND contest_ends_on < %(as_of)s
      -- a CA licence action waits for its household income check (Fam. Code 17520.5, from 2025-01-01)
      AND NOT (remedy = 'license_suspension'
               AND rule_id IN (SELECT r.id FROM enforcement_remedyrule r
                                WHERE r.remedy = 'license_suspension' AND r.jurisdiction = 'CA')
               AND NOT EXISTS (SELECT 1 FROM enforcement_licenceincomecheck k
                                WHERE k.action_id = enforcement_enforcementaction.id AND NOT k.exempt))
    RETURNING id, case_id, remedy
), levied AS (
    UPDATE enforcement_bankmatch m SET status = 'levied'
    FROM activated WHERE m.action_id = activated.id AND activated.remedy = 'bank_levy' AND m.status = 'open'
    RETURNING 1
)
INSERT INTO core_domainevent (occurred_at, actor_label, verb, subject_type_id, subject_id, case_id, summary, data)
SELECT now(), 'enforcement sweep floor', 'enforcement.action_activated', %(action_type)s, id, case_id,
       remedy || ': contest window over, sent to the partner', '{}'::jsonb
FROM activated WHERE (SELECT count(*) FROM levied) >= 0 ORDER BY id;
-- 3. the day each delinquency was first identified (the action timeframe's start), forgotten when
--    the case is no longer delinquent.
UPDATE cases_case c SET delinquency_identified_on = %(as_of)s
FROM cases_casebalance b
WHERE b.case_id = c.id AND c.status = 'open' AND c.delinquency_identified_on IS NULL
  AND b.delinquent_since IS NOT NULL AND b.delinquent_since <= %(as_of)s;
UPDATE cases_case c SET delinquency_identified_on = NULL
WHERE c.status = 'open' AND c.delinquency_identified_on IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM cases_casebalance b WHERE b.case_id = c.id
                  AND b.delinquent_since IS NOT NULL AND b.delinquent_since <= %(as_of)s);
-- 4. each open case's NCP (its first NCP participant) and that NCP's arrears added across the
--    NCP's open cases of the jurisdiction (PIQ-01-06); every rule met with no open action for the
--    remedy (nor one ended since the balance last changed) proposed, with its figures, dates and
--    event, in one statement.
WITH ncp AS (
    SELECT DISTINCT ON (p.case_id) p.case_id, p.person_id
    FROM cases_caseparticipant p WHERE p.role = 'ncp' ORDER BY p.case_id, p.id
), totals AS (
    SELECT p.person_id, c.jurisdiction, sum(b.total_arrears) AS total, sum(b.assigned_arrears) AS assigned,
           sum(b.unassigned_arrears) AS unassigned
    FROM cases_caseparticipant p JOIN cases_case c ON c.id = p.case_id JOIN cases_casebalance b ON b.case_id = p.case_id
    WHERE p.role = 'ncp' AND c.status = 'open'
    GROUP BY p.person_id, c.jurisdiction
), candidate AS (
    SELECT r.*, b.case_id, b.total_arrears, b.assigned_arrears, b.unassigned_arrears, b.months_in_arrears,
           b.monthly_obligation,
           b.delinquent_since, b.updated_at AS balance_updated_at, c.delinquency_identified_on, c.ncp_located_on,
           ncp.person_id AS ncp_id,
           CASE WHEN r.aggregate_by_ncp THEN COALESCE(t.total, b.total_arrears) ELSE b.total_arrears END AS cmp_total,
           CASE WHEN r.aggregate_by_ncp THEN COALESCE(t.assigned, b.assigned_arrears) ELSE b.assigned_arrears END AS cmp_assigned,
           CASE WHEN r.aggregate_by_ncp THEN COALESCE(t.unassigned, b.unassigned_arrears) ELSE b.unassigned_arrears END AS cmp_unassigned
    FROM cases_casebalance b
    JOIN cases_case c ON c.id = b.case_id AND c.status = 'open'
    JOIN sweep_floor_rule r ON r.jurisdiction = c.jurisdiction
    LEFT JOIN ncp ON ncp.case_id = b.case_id
    LEFT JOIN totals t ON t.person_id = ncp.person_id AND t.jurisdiction = c.jurisdiction
), qualifying AS (
    SELECT * FROM candidate x
    WHERE (NOT x.arrears_based OR x.total_arrears > 0)
      AND (NOT x.requires_delinquency OR (x.delinquent_since IS NOT NULL AND x.delinquent_since <= %(as_of)s))
      AND (x.arrears_min IS NULL
           OR CASE x.arrears_comparison WHEN 'gt' THEN x.cmp_total > x.arrears_min ELSE x.cmp_total >= x.arrears_min END)
      AND ((x.assigned_arrears_min IS NULL AND x.unassigned_arrears_min IS NULL)
           OR (x.assigned_arrears_min IS NOT NULL AND x.assigned_arrears > 0 AND x.cmp_assigned >= x.assigned_arrears_min)
           OR (x.unassigned_arrears_min IS NOT NULL AND x.unassigned_arrears > 0 AND x.cmp_unassigned >= x.unassigned_arrears_min))
      AND (x.months_min IS NULL
           OR (x.monthly_obligation > 0
               AND CASE x.months_comparison WHEN 'gt' THEN x.total_arrears > x.months_min * x.monthly_obligation
                                            ELSE x.total_arrears >= x.months_min * x.monthly_obligation END))
      AND (x.days_past_due_min IS NULL
           OR (x.delinquent_since IS NOT NULL
               AND CASE x.days_comparison WHEN 'gt' THEN x.delinquent_since < %(as_of)s::date - x.days_past_due_min
                                          ELSE x.delinquent_since <= %(as_of)s::date - x.days_past_due_min END))
      AND (NOT x.requires_employer
           OR (EXISTS (SELECT 1 FROM cases_supportorder so WHERE so.case_id = x.case_id AND so.status = 'active')
               AND EXISTS (SELECT 1 FROM cases_employment e WHERE e.person_id = x.ncp_id AND e.started_on <= %(as_of)s
                           AND (e.ended_on IS NULL OR e.ended_on >= %(as_of)s))))
      AND (NOT x.requires_bank_match
           OR EXISTS (SELECT 1 FROM enforcement_bankmatch m WHERE m.person_id = x.ncp_id AND m.status = 'open'))
      AND NOT EXISTS (SELECT 1 FROM enforcement_enforcementaction a WHERE a.case_id = x.case_id AND a.remedy = x.remedy
                      AND a.status IN ('proposed', 'noticed', 'contest_window', 'contested', 'active'))
      AND NOT EXISTS (SELECT 1 FROM enforcement_enforcementaction a WHERE a.case_id = x.case_id AND a.remedy = x.remedy
                      AND a.status IN ('released', 'closed') AND a.updated_at >= x.balance_updated_at)
), proposed AS (
    INSERT INTO enforcement_enforcementaction (
        remedy, rule_id, status, proposed_on, partner, case_id, total_arrears, assigned_arrears, unassigned_arrears,
        months_in_arrears, delinquent_since, figures, timeframe_start_on, timeframe_due_on,
        contest_reason, contest_decision, release_reason, end_note, created_at, updated_at)
    SELECT q.remedy, q.rule_id, 'proposed', %(as_of)s, q.partner, q.case_id, q.total_arrears, q.assigned_arrears,
           q.unassigned_arrears, q.months_in_arrears, q.delinquent_since,
           jsonb_build_object('as_of', %(as_of)s::text, 'rule_version', q.version, 'thresholds', q.threshold_text,
                              'days_past_due', %(as_of)s::date - q.delinquent_since)
           || CASE WHEN q.aggregate_by_ncp THEN jsonb_build_object(
                  'ncp_person_id', q.ncp_id, 'ncp_total_arrears', round(q.cmp_total, 2)::text,
                  'ncp_assigned_arrears', round(q.cmp_assigned, 2)::text,
                  'ncp_unassigned_arrears', round(q.cmp_unassigned, 2)::text) ELSE '{}'::jsonb END,
           s.start, s.start + q.action_days, '', '', '', '', now(), now()
    FROM qualifying q
    CROSS JOIN LATERAL (SELECT GREATEST(COALESCE(q.delinquency_identified_on, %(as_of)s::date), q.ncp_located_on) AS start) s
    ON CONFLICT DO NOTHING
    RETURNING id, case_id, rule_id, remedy, total_arrears, months_in_arrears
)
INSERT INTO core_domainevent (occurred_at, actor_label, verb, subject_type_id, subject_id, case_id, summary, data)
SELECT now(), 'enforcement sweep floor', 'enforcement.action_proposed', %(action_type)s, a.id, a.case_id,
       left(r.remedy_label || ' proposed: arrears $' || to_char(a.total_arrears, 'FM999,999,999,990.00') || ', '
            || a.months_in_arrears::text || ' months (' || r.citation || ')', 500),
       jsonb_build_object('rule_id', a.rule_id, 'remedy', a.remedy, 'total_arrears', a.total_arrears::text,
                          'months', a.months_in_arrears::text)
FROM proposed a JOIN sweep_floor_rule r ON r.rule_id = a.rule_id ORDER BY a.id;
