-- Floor of the measure snapshot (quality.services.snapshot_take): the same rows written by
-- hand-written set-based SQL, on the state the snapshot starts from, in a transaction rolled back
-- (bench/nightly.py). The snapshot row of %(taken_on)s, then in one statement the OCSE-157 lines of
-- the fiscal year to date (quality.measures.line_specs) and the case processing timeframes
-- (quality.timeframes) for the office, each county and each caseworker (one pass per source with
-- GROUPING SETS), their four measures per unit and each timeframe as snapshot values, then the
-- office's lines, the count and the event. Parameters: %(taken_on)s, %(fiscal_year)s, its bounds
-- %(start)s-%(end)s, %(prev_end)s (the preceding year's end, line 5a), %(tf_end)s (the
-- timeframes' last start day) and the day limits %(opening_days)s, %(locate_days)s,
-- %(establishment_days)s in force (core.legal).
-- Left out: the incentive percentages and the preceding year's measures (bands and improvement
-- exceptions are rules applied in Python to a few numbers), cost-effectiveness (no expenditures are
-- entered in a generated office), and the business-day roll of a limit falling on a weekend or
-- holiday (a few borderline rows checked in Python against the holiday calendar): a row done on
-- such a rolled day counts as missed here.
-- The statement below is one plan costed far above jit_above_cost: compiling it took 2 of its 2.5
-- seconds at 20,000 cases (the service's separate queries mostly stay under the thresholds).
SET LOCAL jit = off;
INSERT INTO quality_snapshot (taken_on, fiscal_year, started_at, value_count, lines, errors)
VALUES (%(taken_on)s, %(fiscal_year)s, now(), 0, '{}'::jsonb, '[]'::jsonb);
WITH snap AS (
    SELECT id FROM quality_snapshot WHERE taken_on = %(taken_on)s
), per_case AS (
    SELECT c.id, c.county, c.caseworker_id,
           c.opened_on <= %(end)s AND (c.closed_on > %(end)s OR (c.closed_on IS NULL AND c.status = 'open')) AS open_end,
           c.opened_on <= %(end)s AND (c.closed_on >= %(start)s OR (c.closed_on IS NULL AND c.status = 'open')) AS open_year,
           COALESCE(b.total_arrears + b.current_due_month - b.current_paid_month, 0) AS owed_today, b.case_id AS balance
    FROM cases_case c LEFT JOIN cases_casebalance b ON b.case_id = c.id
), case_lines AS (
    -- the per-case subqueries only for the cases of the year (CASE evaluates them lazily)
    SELECT p.county, p.caseworker_id, p.open_end AS l1,
           CASE WHEN p.open_end THEN EXISTS (SELECT 1 FROM cases_supportorder so WHERE so.case_id = p.id
                AND so.issued_on <= %(end)s AND so.status <> 'terminated') ELSE false END AS l2,
           CASE WHEN p.open_year THEN EXISTS (SELECT 1 FROM cases_allocation a WHERE a.case_id = p.id
                AND a.bucket IN ('arrears_unassigned', 'arrears_assigned') AND a.allocated_on BETWEEN %(start)s AND %(end)s
                AND a.amount > 0 AND a.reversed_on IS NULL) ELSE false END AS paid,
           CASE WHEN p.open_year THEN p.owed_today - COALESCE(
                (SELECT sum(e.amount) FROM cases_ledgerentry e WHERE e.case_id = p.id AND e.posted_on > %(end)s
                   AND e.bucket <> ''), 0) ELSE 0 END AS owed_after_end
    FROM per_case p
), unit_lines AS (
    -- each line by (county, caseworker) first (a hash aggregate), then rolled up by GROUPING SETS
    SELECT county, caseworker_id, 'l1' AS line, count(*) FILTER (WHERE l1)::numeric AS v
    FROM case_lines GROUP BY 1, 2
    UNION ALL
    SELECT county, caseworker_id, 'l2', count(*) FILTER (WHERE l2) FROM case_lines GROUP BY 1, 2
    UNION ALL
    SELECT county, caseworker_id, 'l28', count(*) FILTER (WHERE paid OR owed_after_end > 0) FROM case_lines GROUP BY 1, 2
    UNION ALL
    SELECT county, caseworker_id, 'l29', count(*) FILTER (WHERE paid) FROM case_lines GROUP BY 1, 2
    UNION ALL
    SELECT c.county, c.caseworker_id, 'l24', COALESCE(sum(e.amount), 0)
    FROM cases_ledgerentry e JOIN cases_case c ON c.id = e.case_id
    WHERE e.entry_type IN ('charge', 'reversal') AND e.obligation_kind IN ('current_support', 'medical_support')
      AND e.due_on BETWEEN %(start)s AND %(end)s
    GROUP BY 1, 2
    UNION ALL
    SELECT c.county, c.caseworker_id, 'l25', COALESCE(sum(a.amount), 0)
    FROM cases_allocation a JOIN cases_collection co ON co.id = a.collection_id JOIN cases_case c ON c.id = a.case_id
    WHERE a.bucket = 'current' AND co.collected_on BETWEEN %(start)s AND %(end)s AND a.reversed_on IS NULL
    GROUP BY 1, 2
), children AS (
    -- lines 5a and 6 count children, not cases: (county, caseworker, child) once each, counted distinct
    SELECT c.county, c.caseworker_id, cp.person_id,
           bool_or(c.opened_on <= %(prev_end)s AND (c.closed_on > %(prev_end)s OR (c.closed_on IS NULL AND c.status = 'open'))) AS l5a,
           bool_or(pe.paternity_status = 'established'
                   AND (pe.paternity_established_on <= %(end)s OR pe.paternity_established_on IS NULL)
                   AND c.opened_on <= %(end)s AND (c.closed_on >= %(start)s OR (c.closed_on IS NULL AND c.status = 'open'))) AS l6
    FROM cases_caseparticipant cp JOIN cases_person pe ON pe.id = cp.person_id JOIN cases_case c ON c.id = cp.case_id
    WHERE cp.role = 'child' AND NOT pe.born_in_wedlock
    GROUP BY 1, 2, 3
), lines AS (
    SELECT GROUPING(county) AS g_county, GROUPING(caseworker_id) AS g_worker, county, caseworker_id, line, sum(v) AS v
    FROM unit_lines GROUP BY GROUPING SETS ((line), (line, county), (line, caseworker_id))
    UNION ALL
    SELECT GROUPING(county), GROUPING(caseworker_id), county, caseworker_id, 'l5a',
           count(DISTINCT person_id) FILTER (WHERE l5a)
    FROM children GROUP BY GROUPING SETS ((), (county), (caseworker_id))
    UNION ALL
    SELECT GROUPING(county), GROUPING(caseworker_id), county, caseworker_id, 'l6',
           count(DISTINCT person_id) FILTER (WHERE l6)
    FROM children GROUP BY GROUPING SETS ((), (county), (caseworker_id))
), units AS (
    SELECT CASE WHEN g_county = 0 THEN 'county' WHEN g_worker = 0 THEN 'caseworker' ELSE 'office' END AS level,
           CASE WHEN g_county = 0 THEN county WHEN g_worker = 0 THEN caseworker_id::text ELSE '' END AS unit_key,
           caseworker_id,
           COALESCE(sum(v) FILTER (WHERE line = 'l1'), 0) AS l1, COALESCE(sum(v) FILTER (WHERE line = 'l2'), 0) AS l2,
           COALESCE(sum(v) FILTER (WHERE line = 'l5a'), 0) AS l5a, COALESCE(sum(v) FILTER (WHERE line = 'l6'), 0) AS l6,
           COALESCE(sum(v) FILTER (WHERE line = 'l24'), 0) AS l24, COALESCE(sum(v) FILTER (WHERE line = 'l25'), 0) AS l25,
           COALESCE(sum(v) FILTER (WHERE line = 'l28'), 0) AS l28, COALESCE(sum(v) FILTER (WHERE line = 'l29'), 0) AS l29
    FROM lines
    WHERE g_county = 1 AND g_worker = 1 OR (g_county = 0 AND county <> '') OR (g_worker = 0 AND caseworker_id IS NOT NULL)
    GROUP BY 1, 2, 3
), timeframe_rows AS (
    SELECT 'case_opening' AS code, c.county, c.caseworker_id,
           c.opened_on IS NOT NULL AND c.opened_on <= c.application_received_on + %(opening_days)s AS met
    FROM cases_case c
    WHERE c.application_received_on BETWEEN %(start)s AND %(tf_end)s
      AND (c.opened_on IS NOT NULL OR c.application_received_on + %(opening_days)s < %(taken_on)s)
    UNION ALL
    SELECT 'locate', c.county, c.caseworker_id, d.done IS NOT NULL AND d.done <= c.locate_needed_on + %(locate_days)s
    FROM cases_case c
    CROSS JOIN LATERAL (SELECT COALESCE((SELECT min(a.attempted_on) FROM cases_locateattempt a WHERE a.case_id = c.id
                                         AND a.attempted_on >= c.locate_needed_on), c.ncp_located_on) AS done) d
    WHERE c.locate_needed_on BETWEEN %(start)s AND %(tf_end)s
      AND (d.done IS NOT NULL OR c.locate_needed_on + %(locate_days)s < %(taken_on)s)
    UNION ALL
    SELECT 'establishment', c.county, c.caseworker_id,
           d.done IS NOT NULL AND d.done <= c.ncp_located_on + %(establishment_days)s
    FROM cases_case c
    CROSS JOIN LATERAL (SELECT min(so.issued_on) AS done FROM cases_supportorder so WHERE so.case_id = c.id) d
    -- an order before location needs no establishment; a case with no order at all is judged
    WHERE c.ncp_located_on BETWEEN %(start)s AND %(tf_end)s AND (d.done IS NULL OR d.done >= c.ncp_located_on)
      AND (d.done IS NOT NULL OR c.ncp_located_on + %(establishment_days)s < %(taken_on)s)
    UNION ALL
    SELECT 'disbursement', c.county, c.caseworker_id, d.disbursed_on IS NOT NULL AND d.disbursed_on <= d.due_by
    FROM cases_disbursement d JOIN cases_case c ON c.id = d.case_id
    WHERE d.payee = 'family' AND d.received_on BETWEEN %(start)s AND %(tf_end)s
      AND (d.disbursed_on IS NOT NULL OR d.due_by < %(taken_on)s)
    UNION ALL
    SELECT 'enforcement', c.county, c.caseworker_id, a.taken_on IS NOT NULL AND a.taken_on <= a.timeframe_due_on
    FROM enforcement_enforcementaction a JOIN cases_case c ON c.id = a.case_id
    WHERE NOT (a.taken_on IS NULL AND a.status IN ('released', 'closed'))
      AND a.timeframe_start_on BETWEEN %(start)s AND %(tf_end)s
      AND (a.taken_on IS NOT NULL OR a.timeframe_due_on < %(taken_on)s)
    UNION ALL
    SELECT 'complaint', c.county, c.caseworker_id, k.resolved_on IS NOT NULL AND k.resolved_on <= k.due_on
    FROM complaints_complaint k LEFT JOIN cases_case c ON c.id = k.case_id
    WHERE k.received_on BETWEEN %(start)s AND %(tf_end)s AND (k.resolved_on IS NOT NULL OR k.due_on < %(taken_on)s)
), timeframes AS (
    SELECT GROUPING(county) AS g_county, GROUPING(caseworker_id) AS g_worker, code, county, caseworker_id,
           count(*) AS total, count(*) FILTER (WHERE met) AS met
    FROM (SELECT * FROM timeframe_rows
          UNION ALL  -- every timeframe has an office row, rows or not
          SELECT code, NULL, NULL, NULL
          FROM (VALUES ('case_opening'), ('locate'), ('establishment'), ('disbursement'), ('enforcement'),
                       ('complaint')) t(code)) r
    GROUP BY GROUPING SETS ((code), (code, county), (code, caseworker_id))
), values_written AS (
    INSERT INTO quality_snapshotvalue (snapshot_id, level, unit_key, unit_label, measure, numerator, denominator, value)
    SELECT snap.id, u.level, u.unit_key,
           CASE u.level WHEN 'office' THEN 'Office' WHEN 'county' THEN u.unit_key
                ELSE COALESCE(NULLIF(trim(usr.first_name || ' ' || usr.last_name), ''), usr.username, u.unit_key) END,
           m.measure, m.num, m.den, CASE WHEN m.den = 0 THEN NULL ELSE round(m.num * 100 / m.den, 2) END
    FROM units u CROSS JOIN snap
    LEFT JOIN accounts_user usr ON u.level = 'caseworker' AND usr.id = u.caseworker_id
    CROSS JOIN LATERAL (VALUES ('paternity', u.l6, u.l5a), ('orders', u.l2, u.l1), ('current_collections', u.l25, u.l24),
                               ('arrears_collections', u.l29, u.l28)) m(measure, num, den)
    UNION ALL
    SELECT snap.id, l.level, l.unit_key,
           CASE l.level WHEN 'office' THEN 'Office' WHEN 'county' THEN l.unit_key
                ELSE COALESCE(NULLIF(trim(usr.first_name || ' ' || usr.last_name), ''), usr.username, l.unit_key) END,
           'timeframe_' || l.code, l.met, l.total, CASE WHEN l.total = 0 THEN NULL ELSE round(l.met * 100.0 / l.total, 2) END
    FROM (SELECT CASE WHEN g_county = 0 THEN 'county' WHEN g_worker = 0 THEN 'caseworker' ELSE 'office' END AS level,
                 CASE WHEN g_county = 0 THEN county WHEN g_worker = 0 THEN caseworker_id::text ELSE '' END AS unit_key,
                 caseworker_id, code,
                 -- the placeholder row of each timeframe counts only in the office's (NULL unit) total
                 total - (g_county = 1 AND g_worker = 1)::int AS total, met
          FROM timeframes) l
    CROSS JOIN snap
    LEFT JOIN accounts_user usr ON l.level = 'caseworker' AND usr.id = l.caseworker_id
    WHERE l.level = 'office' OR (l.total > 0 AND l.unit_key <> '' AND l.unit_key IS NOT NULL)
    RETURNING level, measure, numerator, denominator
)
UPDATE quality_snapshot s SET value_count = (SELECT count(*) FROM values_written), finished_at = now(),
       lines = (SELECT jsonb_build_object('1', l1, '2', l2, '5a', l5a, '6', l6, '24', l24, '25', l25, '28', l28, '29', l29)
                FROM units WHERE level = 'office')
WHERE s.taken_on = %(taken_on)s;
INSERT INTO core_domainevent (occurred_at, actor_label, verb, subject_type_id, subject_id, summary, data)
SELECT now(), 'quality.tasks.snapshot_task', 'quality.snapshot_taken',
       (SELECT id FROM django_content_type WHERE app_label = 'quality' AND model = 'snapshot'), s.id,
       s.value_count || ' values for ' || s.taken_on || ' (FY ' || s.fiscal_year || ')', '{}'::jsonb
FROM quality_snapshot s WHERE s.taken_on = %(taken_on)s;
