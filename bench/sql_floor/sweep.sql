-- Floor of the enforcement sweep's selection (enforcement.services.sweep): open cases with their
-- balance and NCP, delinquent by the statutory thresholds (arrears above $2,500 for passport denial,
-- 42 USC 652(k); at least one month of support behind, 45 CFR 303.6), one candidate row per case
-- and remedy. A lower bound: the real sweep also reads each remedy's rule version, existing actions,
-- exemptions and FVI/bankruptcy holds, and writes the proposals and their events.
SELECT count(*) FROM (
    SELECT c.id, r.remedy
    FROM cases_case c
    JOIN cases_casebalance b ON b.case_id = c.id
    JOIN cases_caseparticipant n ON n.case_id = c.id AND n.role = 'ncp'
    CROSS JOIN (VALUES ('passport_denial', 2500.00), ('license_suspension', 0), ('credit_reporting', 1000.00),
                       ('tax_offset', 500.00)) r(remedy, threshold)
    WHERE c.status = 'open' AND b.total_arrears > r.threshold AND b.months_in_arrears >= 1
) x;
