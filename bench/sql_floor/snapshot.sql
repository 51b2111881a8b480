-- Floor of the measure snapshot (quality.services.snapshot_take): the OCSE-157 style counts per
-- county in one pass over cases, balances and orders (cases open, with an order, with arrears,
-- paying, current support due and paid this month).
SELECT c.county, count(*) AS cases,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM cases_supportorder so WHERE so.case_id = c.id AND so.status = 'active')) AS with_order,
       count(*) FILTER (WHERE b.total_arrears > 0) AS with_arrears,
       count(*) FILTER (WHERE b.last_payment_on >= date_trunc('month', %(on)s::date) - interval '1 year') AS paying,
       sum(b.current_due_month) AS current_due, sum(b.current_paid_month) AS current_paid
FROM cases_case c LEFT JOIN cases_casebalance b ON b.case_id = c.id
WHERE c.status = 'open' GROUP BY c.county;
