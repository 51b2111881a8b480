-- Floor of the disbursement export (enforcement.services.disbursements.disbursements_export): the
-- same rows written by hand-written set-based SQL, on the state the export starts from, in a
-- transaction rolled back (bench/nightly.py). %(on)s: the export date; %(odfi)s: the first 8 digits
-- of the office's disbursements account's routing number; %(card_routing)s, %(card_account)s: the
-- debit card program's routing and account numbers (a family without an active direct-deposit
-- account is paid there); %(file_header)s, %(batch_header)s: the file's first two records (constant
-- for the night, written by the app's NACHA writer); %(company_id)s: the office's ACH company id.
-- The pending family disbursements received up to %(on)s are claimed (locked, marked sent in the
-- batch, late when sent after their due date), and the batch row with its NACHA file, one entry per
-- disbursement (trace numbers in order) and one event per disbursement plus the file's are written.
-- The file is the app's byte for byte (checked on the generated office): each entry record formatted
-- here from the payee's name and case number, then the batch and file controls and the filler
-- records. Left out: transliteration of text that is not plain ASCII (upper() only: generated names
-- are ASCII), the payee's own account number (stored encrypted: written as stored; generated families
-- have none), the parse-back check of the file, the check of each payee's bank details, the lookup
-- of the last trace number and of the day's earlier files for the batch reference.
WITH pending AS (
    SELECT d.id, d.case_id, d.amount, d.due_by, pa.id AS payee_account_id,
           COALESCE(pa.routing_number, %(card_routing)s) AS routing,
           '6' || CASE WHEN pa.account_type = 'savings' THEN '32' ELSE '22' END
               || COALESCE(pa.routing_number, %(card_routing)s)
               || rpad(upper(COALESCE(pa.account_number, %(card_account)s)), 17)
               || lpad((d.amount * 100)::bigint::text, 10, '0') || rpad(upper(c.case_number), 15)
               || rpad(upper(COALESCE(pe.last_name || ' ' || pe.first_name, '')), 22) || '  0' AS record
    FROM cases_disbursement d
    JOIN cases_case c ON c.id = d.case_id
    LEFT JOIN LATERAL (SELECT cp.person_id FROM cases_caseparticipant cp
                       WHERE cp.case_id = d.case_id AND cp.role = 'cp' ORDER BY cp.id DESC LIMIT 1) cp ON true
    LEFT JOIN cases_person pe ON pe.id = cp.person_id
    LEFT JOIN LATERAL (SELECT a.id, a.routing_number, a.account_number, a.account_type FROM enforcement_payeeaccount a
                       WHERE a.person_id = cp.person_id AND a.active ORDER BY a.id DESC LIMIT 1) pa ON true
    WHERE d.payee = 'family' AND d.status = 'pending' AND d.export_batch = '' AND d.received_on <= %(on)s
    ORDER BY d.id
    FOR UPDATE OF d SKIP LOCKED
), sent AS (
    UPDATE cases_disbursement d SET status = 'sent', export_batch = 'DX-FLOOR', disbursed_on = %(on)s,
           is_late = (d.due_by < %(on)s)
    FROM pending WHERE pending.id = d.id
    RETURNING d.id
), batch AS (
    INSERT INTO enforcement_disbursementexport (reference, export_date, file_name, content, entry_count, total_credit,
                                                entry_hash, created_at, report)
    SELECT 'DX-FLOOR', %(on)s, 'DX-FLOOR.ach',
           COALESCE(%(file_header)s || E'\n' || %(batch_header)s || E'\n'
           || string_agg(p.record || %(odfi)s || lpad(p.seq::text, 7, '0'), E'\n' ORDER BY p.id) || E'\n'
           || '8220' || lpad(count(*)::text, 6, '0')
           || lpad((sum(left(p.routing, 8)::bigint) %% 10000000000)::text, 10, '0') || repeat('0', 12)
           || lpad((sum(p.amount) * 100)::bigint::text, 12, '0') || rpad(upper(%(company_id)s), 10) || repeat(' ', 25)
           || %(odfi)s || '0000001' || E'\n'
           || '9000001' || lpad(((count(*) + 13) / 10)::text, 6, '0') || lpad(count(*)::text, 8, '0')
           || lpad((sum(left(p.routing, 8)::bigint) %% 10000000000)::text, 10, '0') || repeat('0', 12)
           || lpad((sum(p.amount) * 100)::bigint::text, 12, '0') || repeat(' ', 39) || E'\n'
           || repeat(repeat('9', 94) || E'\n', ((count(*) + 13) / 10 * 10 - count(*) - 4)::int), ''),
           count(*), COALESCE(sum(p.amount), 0),
           COALESCE(sum(left(p.routing, 8)::bigint), 0) %% 10000000000,
           now(), jsonb_build_object('skipped', '[]'::jsonb, 'late', count(*) FILTER (WHERE p.due_by < %(on)s))
    FROM (SELECT pending.*, row_number() OVER (ORDER BY pending.id) AS seq FROM pending) p
    WHERE (SELECT count(*) FROM sent) >= 0
    RETURNING id
), entries AS (
    INSERT INTO enforcement_disbursementexportentry (export_id, disbursement_id, payee_account_id, trace_number, amount)
    SELECT batch.id, p.id, p.payee_account_id, %(odfi)s || lpad((row_number() OVER (ORDER BY p.id))::text, 7, '0'),
           p.amount
    FROM pending p CROSS JOIN batch
    RETURNING 1
), events AS (
    INSERT INTO core_domainevent (occurred_at, actor_label, verb, case_id, summary, data)
    SELECT now(), 'export_disbursements', 'disbursement.sent', p.case_id, p.amount::text || ' to the family in DX-FLOOR',
           jsonb_build_object('disbursement', p.id)
    FROM pending p ORDER BY p.id
    RETURNING 1
)
INSERT INTO core_domainevent (occurred_at, actor_label, verb, subject_type_id, subject_id, summary, data)
SELECT now(), 'export_disbursements', 'disbursement.file_exported',
       (SELECT id FROM django_content_type WHERE app_label = 'enforcement' AND model = 'disbursementexport'), batch.id,
       'DX-FLOOR: ' || (SELECT count(*) FROM entries) || ' entries', '{}'::jsonb
FROM batch WHERE (SELECT count(*) FROM events) >= 0;
