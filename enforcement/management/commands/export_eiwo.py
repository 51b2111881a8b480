"""``manage.py export_eiwo --output FILE``: the e-IWO batch file (OCSE Appendix D v4.0) of every
income withholding order waiting for an employer enrolled in e-IWO — one batch per employer,
control numbers never reused, counts that agree, validated by the project's reader before it is
stored as an outbound partner file (downloadable on its page and through the partner-files API)."""

from enforcement.management.partner_commands import PartnerFileExportCommand


class Command(PartnerFileExportCommand):
    help = "Export the e-IWO batch file for the employers enrolled in e-IWO."
    kind = "eiwo"
