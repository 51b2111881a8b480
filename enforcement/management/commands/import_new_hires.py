"""``manage.py import_new_hires FILE``: a State Directory of New Hires W-4 file (issue 16.2).

Exits 0 on an accepted or already-imported file, non-zero with the line on a refused one; the last
line is the counts, ``matched N`` and ``unmatched M`` among them."""

from enforcement.management.partner_commands import PartnerFileImportCommand


class Command(PartnerFileImportCommand):
    help = "Import a new-hire file (NDNH/SDNH W-4 records): match NCPs by SSN, propose income withholding."
    kind = "new-hires"
