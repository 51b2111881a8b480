"""``manage.py import_fidm FILE``: a Multistate/State FIDM match file (issue 16.4)."""

from enforcement.management.partner_commands import PartnerFileImportCommand


class Command(PartnerFileImportCommand):
    help = "Import a FIDM match file: record the accounts of NCPs and propose bank levies under the remedy rule."
    kind = "fidm"
