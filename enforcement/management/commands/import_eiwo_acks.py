"""``manage.py import_eiwo_acks FILE``: employers' e-IWO acknowledgments (accepted, rejected with a
reason, employee no longer employed, lump sum notices); all or nothing, a replay is a no-op."""

from enforcement.management.partner_commands import PartnerFileImportCommand


class Command(PartnerFileImportCommand):
    help = "Import an e-IWO acknowledgment file."
    kind = "eiwo-acks"
