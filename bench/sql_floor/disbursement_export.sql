-- Floor of the disbursement export (enforcement.services.disbursements.disbursements_export): the
-- pending family disbursements received up to %(on)s with the CP's name and account, marked sent
-- in one batch. The NACHA file text is not built here (Python formatting is the rest of the work).
WITH pending AS (
    SELECT d.id, d.amount, c.case_number, p.last_name, p.first_name
    FROM cases_disbursement d
    JOIN cases_case c ON c.id = d.case_id
    LEFT JOIN cases_caseparticipant cp ON cp.case_id = d.case_id AND cp.role = 'cp'
    LEFT JOIN cases_person p ON p.id = cp.person_id
    WHERE d.payee = 'family' AND d.status = 'pending' AND d.export_batch = '' AND d.received_on <= %(on)s
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE cases_disbursement d SET status = 'sent', disbursed_on = %(on)s, export_batch = 'FLOOR'
FROM pending WHERE pending.id = d.id;
