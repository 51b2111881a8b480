"""e-IWO kinds: ``eiwo`` (batch file out, ``manage.py export_eiwo``) and ``eiwo-acks``
(acknowledgments in, ``manage.py import_eiwo_acks``; ``POST /api/v1/partner-files/eiwo-acks/``)."""

from ..eiwo import control_of, eiwo_acks_import, eiwo_export
from ..partner_files import register_partner_file_kind

register_partner_file_kind(
    "eiwo",
    label="e-IWO batch (income withholding orders to employers)",
    layout="eiwo",
    exporter=eiwo_export,
    command="export_eiwo",
    description="DTL records ORG/AMD/TRM/LUM, one batch per employer enrolled in e-IWO (OCSE Appendix D v4.0).",
)
register_partner_file_kind(
    "eiwo-acks",
    label="e-IWO acknowledgments (employers' answers)",
    layout="eiwo-acks",
    importer=eiwo_acks_import,
    control_number=control_of,
    command="import_eiwo_acks",
    description="ACK records: accepted, rejected with reason, employee no longer employed, lump sum notices.",
)
