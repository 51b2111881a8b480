"""``manage.py export_offset_certification --output FILE``: the Federal Offset Program case
submission file of the changes since the last certification (issue 16.3)."""

from enforcement.management.partner_commands import PartnerFileExportCommand


class Command(PartnerFileExportCommand):
    help = "Write the federal tax refund offset / passport denial certification (adds, modifies, deletes)."
    kind = "offset-certification"
