"""``manage.py import_offset_collections FILE``: federal tax refund offset collections (issue 16.3)."""

from enforcement.management.partner_commands import PartnerFileImportCommand


class Command(PartnerFileImportCommand):
    help = "Import Federal Offset Program collections: post them as federal tax offsets (FTI)."
    kind = "offset-collections"
