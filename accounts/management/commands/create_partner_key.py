from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from accounts.choices import AgencyKind
from accounts.services import parse_counties, parse_scopes, partner_key_create
from core.models import AccessLog
from core.services import access_log_record


class Command(BaseCommand):
    help = "Create an API key for a partner agency (created if new). Prints the key alone on the last line, once."

    def add_arguments(self, parser):
        parser.add_argument("agency", help="Agency name, e.g. 'Family Court'")
        parser.add_argument("--scopes", required=True, help="Comma-separated resource:read|write, or 'all'")
        where = parser.add_mutually_exclusive_group()
        where.add_argument(
            "--counties",
            default=None,
            help="Comma-separated counties whose objects the key reads and writes, e.g. Albany,Schenectady",
        )
        where.add_argument(
            "--all-counties",
            action="store_true",
            help="A state-wide key: every county's objects (must be asked for explicitly)",
        )
        parser.add_argument("--kind", choices=AgencyKind.values, default=None)
        parser.add_argument("--expires", default=None, help="ISO date-time after which the key stops working")
        parser.add_argument("--name", default="", help="A label for the key")

    def handle(self, *args, agency, scopes, kind, expires, name, counties, all_counties, **options):
        if counties is None and not all_counties:
            raise CommandError(
                "Say which counties the key may reach: --counties Albany,Schenectady, "
                "or --all-counties for a state-wide key."
            )
        try:
            scope_list = parse_scopes(scopes)
            county_list = [] if all_counties else parse_counties(counties)
        except ValueError as exc:
            raise CommandError(str(exc))
        expires_at = None
        if expires:
            expires_at = parse_datetime(expires)
            if expires_at is None:
                raise CommandError("--expires must be an ISO date-time, e.g. 2027-01-31T00:00:00Z")
        key, raw = partner_key_create(
            agency_name=agency,
            scopes=scope_list,
            counties=county_list,
            all_counties=all_counties,
            kind=kind,
            expires_at=expires_at,
            name=name,
        )
        access_log_record(
            kind=AccessLog.Kind.ADMIN_COMMAND,
            username="manage.py",
            obj=key,
            detail={
                "command": "create_partner_key",
                "agency": key.agency.name,
                "scopes": scope_list,
                "counties": county_list,
                "all_counties": all_counties,
            },
        )
        case_model = apps.get_model("cases", "Case")  # accounts does not import the cases app
        unknown = [c for c in county_list if not case_model.objects.filter(county=c).exists()]
        if unknown:
            self.stderr.write(f"Note: no case is in {', '.join(unknown)} yet (check the spelling).")
        self.stderr.write(
            f"Created key {key.prefix}… for {key.agency.name} ({key.agency.kind}) "
            f"with scopes {', '.join(scope_list)} for {key.county_label}. "
            f"Store it now: it is not shown again."
        )
        self.stdout.write(raw)
