from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from accounts.choices import AgencyKind
from accounts.services import parse_scopes, partner_key_create
from core.models import AccessLog
from core.services import access_log_record


class Command(BaseCommand):
    help = "Create an API key for a partner agency (created if new). Prints the key alone on the last line, once."

    def add_arguments(self, parser):
        parser.add_argument("agency", help="Agency name, e.g. 'Family Court'")
        parser.add_argument("--scopes", required=True, help="Comma-separated resource:read|write, or 'all'")
        parser.add_argument("--kind", choices=AgencyKind.values, default=None)
        parser.add_argument("--expires", default=None, help="ISO date-time after which the key stops working")
        parser.add_argument("--name", default="", help="A label for the key")

    def handle(self, *args, agency, scopes, kind, expires, name, **options):
        try:
            scope_list = parse_scopes(scopes)
        except ValueError as exc:
            raise CommandError(str(exc))
        expires_at = None
        if expires:
            expires_at = parse_datetime(expires)
            if expires_at is None:
                raise CommandError("--expires must be an ISO date-time, e.g. 2027-01-31T00:00:00Z")
        key, raw = partner_key_create(agency_name=agency, scopes=scope_list, kind=kind,
                                      expires_at=expires_at, name=name)
        access_log_record(kind=AccessLog.Kind.ADMIN_COMMAND, username="manage.py",
                          obj=key, detail={"command": "create_partner_key", "agency": key.agency.name,
                                           "scopes": scope_list})
        self.stderr.write(f"Created key {key.prefix}… for {key.agency.name} ({key.agency.kind}) "
                          f"with scopes {', '.join(scope_list)}. Store it now: it is not shown again.")
        self.stdout.write(raw)
