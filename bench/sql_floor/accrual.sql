-- Floor of the month-roll accrual (cases.services.ledger_accrual.charges_accrue over every case):
-- the same rows written by hand-written set-based SQL. Run inside a transaction that is rolled
-- back (bench/nightly.py). %(through)s: the accrual date (the first day of a month: a roll night).
-- 1. the roll: unpaid current support to arrears (two adjustment entries), assigned when a
--    current assistance spell overlaps the month closed out.
WITH behind AS (
    SELECT b.case_id, b.current_due_month - b.current_paid_month AS unpaid,
           EXISTS (SELECT 1 FROM cases_assistancespell s WHERE s.case_id = b.case_id AND s.status = 'current'
                   AND s.start_on < (b.current_month + interval '1 month')::date
                   AND (s.end_on IS NULL OR s.end_on >= b.current_month)) AS assisted
    FROM cases_casebalance b
    WHERE b.current_month < date_trunc('month', %(through)s::date)::date
), entries AS (
    INSERT INTO cases_ledgerentry (case_id, entry_type, obligation_kind, bucket, amount, posted_on, description, created_at)
    SELECT case_id, 'adjustment', '', x.bucket, x.amount, date_trunc('month', %(through)s::date)::date,
           'Unpaid current support becomes arrears', now()
    FROM behind, LATERAL (VALUES ('current', -unpaid),
                                 (CASE WHEN assisted THEN 'arrears_assigned' ELSE 'arrears_unassigned' END, unpaid)) x(bucket, amount)
    WHERE unpaid > 0
    RETURNING 1
)
UPDATE cases_casebalance b SET
    assigned_arrears = b.assigned_arrears + CASE WHEN x.unpaid > 0 AND x.assisted THEN x.unpaid ELSE 0 END,
    unassigned_arrears = b.unassigned_arrears + CASE WHEN x.unpaid > 0 AND NOT x.assisted THEN x.unpaid ELSE 0 END,
    current_due_month = 0, current_paid_month = 0, current_month = date_trunc('month', %(through)s::date)::date
FROM behind x WHERE x.case_id = b.case_id AND (SELECT count(*) FROM entries) >= 0;
-- 2. the charges due from the day after accrued_through to %(through)s (monthly obligations on their
--    day of the month; weekly/biweekly every 7/14 days; semimonthly on two days), one entry each,
--    then the balances by the sums and accrued_through.
WITH due AS (
    SELECT o.id AS obligation_id, so.case_id, o.kind, o.amount, d::date AS due_on
    FROM cases_obligation o JOIN cases_supportorder so ON so.id = o.order_id
    JOIN cases_case c ON c.id = so.case_id AND c.status = 'open'
    CROSS JOIN LATERAL generate_series(GREATEST(o.start_on, COALESCE(o.accrued_through + 1, o.start_on)),
                                       LEAST(%(through)s::date, COALESCE(o.end_on, %(through)s::date)), interval '1 day') d
    WHERE (so.status = 'active' OR o.end_on IS NOT NULL)
      AND CASE o.frequency
            WHEN 'monthly' THEN extract(day FROM d) = LEAST(extract(day FROM o.start_on),
                                 extract(day FROM (date_trunc('month', d) + interval '1 month - 1 day')))
            WHEN 'weekly' THEN (d::date - o.start_on) %% 7 = 0
            WHEN 'biweekly' THEN (d::date - o.start_on) %% 14 = 0
            ELSE extract(day FROM d) IN (extract(day FROM o.start_on), extract(day FROM o.start_on) + 15) END
), ins AS (
    INSERT INTO cases_ledgerentry (case_id, entry_type, obligation_id, obligation_kind, bucket, amount, due_on,
                                   posted_on, description, created_at)
    SELECT case_id, 'charge', obligation_id, kind,
           CASE WHEN kind IN ('current_support', 'medical_support', 'spousal_support') THEN 'current' ELSE '' END,
           amount, due_on, due_on, '', now() FROM due
    ON CONFLICT DO NOTHING RETURNING case_id, obligation_id, bucket, amount, due_on
), acc AS (
    UPDATE cases_obligation o SET accrued_through = m.last FROM (
        SELECT obligation_id, max(due_on) AS last FROM ins GROUP BY obligation_id) m
    WHERE o.id = m.obligation_id RETURNING 1
)
UPDATE cases_casebalance b SET current_due_month = b.current_due_month + s.due,
    total_arrears = b.unassigned_arrears + b.assigned_arrears
FROM (SELECT case_id, sum(amount) FILTER (WHERE bucket = 'current') AS due FROM ins GROUP BY case_id) s
WHERE s.case_id = b.case_id AND s.due IS NOT NULL AND (SELECT count(*) FROM acc) >= 0;
