"""Every partner file the same way (issue 16.5): one registry of kinds, one import pipeline, one export.

A kind (``new-hires``, ``offset-collections``, ``fidm``, ``eiwo-acks``, ``offset-certification``,
``eiwo`` ...) is registered once, in a module of ``enforcement/services/partner_kinds/``::

    register_partner_file_kind("new-hires", label="New hires (SDNH/NDNH W-4)",
                               layout="ndnh-w4", importer=new_hires_import,
                               control_number=lambda records: ...)

Import pipeline (``partner_file_submit`` → ``partner_file_import``):

1. receive: the file is stored as received with its SHA-256 (``PartnerFile``, ``received``);
2. replay: a file of the same kind and content already accepted for the same reach or a wider one
   (``PartnerFile.reach``: a county key's file reaches its counties' cases only) is answered
   ``replay`` — nothing changes, the report names the first file;
3. parse: the kind's fixed-width layout (``enforcement.interchange.fixedwidth.read``); any error
   refuses the whole file with ``[{line, reason}]``; a control number already accepted for the same
   reach or a wider one is a replay;
4. import: the kind's importer runs in ONE transaction; it may refuse the file
   (``PartnerFileRefused``), which rolls everything back. The same file already accepted for a
   narrower reach (a county key's, then the office's) is imported for the rest: the counties the
   earlier imports covered are left out (``ImportContext.covered``), and the report is its own;
5. report: status, counts, totals, errors; a domain event.

Every file is imported under a job's lease (``core.jobs``: the job row commits with the file). A
file larger than ``CASEWORKS_PARTNER_FILE_SYNC_MAX_BYTES`` is imported by a worker, and the API
answers 202 with the file's status URL; a smaller one by the receiving process at once, the answer
its report — and if that process dies mid-import, the watchdog hands its job to a worker.

Routing (issue 16.6): ``CASEWORKS_PARTNER_ROUTES`` names, per kind, ``direct`` or ``state``. With
``state`` an outbound file waits (``ready``) until the state office's key fetches it through the
API, and an inbound file is accepted through the API only from a state office's key.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import pkgutil
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from cases.access import fti_figures_shown
from cases.choices import CaseStatus, ParticipantRole
from cases.models import CaseParticipant
from cases.redaction import protected_q
from core.db import advisory_xact_lock
from core.fields import blind_index
from core.jobs import row_claim, row_still_claimed
from core.services import acting_user, event_about

from ..choices import FileVia, PartnerFileDirection, PartnerFileStatus, PartnerRoute
from ..interchange.fixedwidth import FixedWidthError, Record, decode, get_layout, read, write
from .received import ReceivedPriors, received_file_reach

SSN_CHUNK = 20_000  # SSNs per IN query when a file is matched to NCPs
# A field ``ncp_cases_by_ssn`` gives besides ``values_list`` names: whether the NCP's whereabouts are
# withheld (cases.redaction: their own FVI, or a child on a case whose custodial parent has it).
WHEREABOUTS_WITHHELD = "whereabouts_withheld"

log = logging.getLogger(__name__)

IMPORT_TASK = "enforcement.import_partner_file"


class PartnerFileRefused(Exception):
    """An importer's refusal of the whole file: ``errors`` is ``[{line, reason}]``."""

    def __init__(self, errors: list[dict] | str, line: int = 0) -> None:
        self.errors = [{"line": line, "reason": errors}] if isinstance(errors, str) else errors
        super().__init__("; ".join(f"line {e['line']}: {e['reason']}" for e in self.errors[:5]))


@dataclass
class ImportContext:
    """What an importer gets: the file, its typed records, who sent it, and what it may reach.

    ``counties`` limits the cases a file may touch (a county key's file reaches its counties'
    cases only); ``None`` is every county. ``covered``: the counties an earlier import of the same
    file (content or control number) already covered, left out of this one. Importers add to
    ``counts`` and ``totals``."""

    partner_file: Any
    records: list[Record]
    by: Any = None
    agency: Any = None
    actor_label: str = ""
    counties: list[str] | None = None
    covered: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    totals: dict[str, Decimal] = field(default_factory=dict)

    def case_q(self, prefix: str = "") -> Q:
        """The filter limiting ``Case`` rows (through ``prefix``) to what the file may reach."""
        q = Q() if self.counties is None else Q(**{f"{prefix}county__in": self.counties})
        if self.covered:
            q &= ~Q(**{f"{prefix}county__in": self.covered})
        return q

    def ncp_cases_by_ssn(self, ssns, *fields: str) -> tuple[dict[str, str], dict[str, list[tuple]]]:
        """Match a file's SSNs to the NCPs of open cases within the file's reach, through the blind
        index, set-based (one ``IN`` query per 20,000 SSNs, not one per record). Returns the blind
        index of each SSN and, per index, a tuple of ``fields`` (``values_list`` names, or
        ``WHEREABOUTS_WITHHELD``) per case."""
        index_of = {ssn: blind_index(ssn) for ssn in set(ssns)}
        indexes = sorted(set(index_of.values()))
        cases: dict[str, list[tuple]] = defaultdict(list)
        withheld = {}
        if WHEREABOUTS_WITHHELD in fields:
            withheld[WHEREABOUTS_WITHHELD] = ExpressionWrapper(protected_q("person__"), output_field=BooleanField())
        for start in range(0, len(indexes), SSN_CHUNK):
            for index, *rest in (
                CaseParticipant.objects.filter(
                    self.case_q("case__"),
                    role=ParticipantRole.NCP,
                    case__status=CaseStatus.OPEN,
                    person__ssn_index__in=indexes[start : start + SSN_CHUNK],
                    person__merged_into__isnull=True,
                )
                .annotate(**withheld)
                .values_list("person__ssn_index", *fields)
                .order_by("case_id")
            ):
                cases[index].append(tuple(rest))
        return index_of, cases

    def ncp_matches(
        self, records: Sequence[Record], ssn_field: str, *fields: str
    ) -> tuple[list[Record], dict[str, str], dict[str, list[tuple]]]:
        """The records whose SSN (``ssn_field``) is an NCP's on an open case within reach, with
        ``ncp_cases_by_ssn``'s index and case rows; counts ``matched`` and ``unmatched``, the
        figures every matching file reports (FIDM, new hires)."""
        index_of, ncp_cases = self.ncp_cases_by_ssn((r[ssn_field] for r in records), *fields)
        matched = [r for r in records if index_of[r[ssn_field]] in ncp_cases]
        self.counts["matched"] = len(matched)
        self.counts["unmatched"] = len(records) - len(matched)
        return matched, index_of, ncp_cases

    def add_total(self, name: str, amount: Decimal) -> None:
        self.totals[name] = self.totals.get(name, Decimal("0.00")) + amount


@dataclass
class ExportResult:
    """What an exporter returns: the records to write, and what to say about them.

    ``on_stored(partner_file)`` runs in the export's transaction once the file row exists (link
    the rows it certified, mark control numbers used ...)."""

    records: Sequence[Record | Mapping[str, Any]]
    counts: dict[str, int] = field(default_factory=dict)
    totals: dict[str, Decimal] = field(default_factory=dict)
    control_number: str = ""
    name: str = ""
    county: str = ""
    on_stored: Callable[[Any], None] | None = None


Importer = Callable[[ImportContext], None]
Exporter = Callable[..., ExportResult]


@dataclass(frozen=True)
class PartnerFileKind:
    kind: str
    label: str
    direction: str
    layout: str
    importer: Importer | None = None
    exporter: Exporter | None = None
    control_number: Callable[[list[Record]], str] | None = None
    command: str = ""
    fti: bool = False  # the file carries federal tax information (IRS Publication 1075)
    description: str = ""

    @property
    def route(self) -> str:
        return partner_route(self.kind)


_KINDS: dict[str, PartnerFileKind] = {}
_loaded = False


def register_partner_file_kind(
    kind: str,
    *,
    label: str,
    layout: str,
    importer: Importer | None = None,
    exporter: Exporter | None = None,
    control_number: Callable[[list[Record]], str] | None = None,
    command: str = "",
    fti: bool = False,
    description: str = "",
) -> PartnerFileKind:
    """Register ``kind``: inbound with its ``importer``, or outbound with its ``exporter``."""
    if (importer is None) == (exporter is None):
        raise ValueError(f"{kind}: a kind has an importer (inbound) or an exporter (outbound), one of the two")
    direction = PartnerFileDirection.INBOUND if importer is not None else PartnerFileDirection.OUTBOUND
    entry = PartnerFileKind(
        kind=kind,
        label=label,
        direction=str(direction),
        layout=layout,
        importer=importer,
        exporter=exporter,
        control_number=control_number,
        command=command,
        fti=fti,
        description=description,
    )
    if kind in _KINDS and _KINDS[kind] != entry:
        raise ValueError(f"partner file kind {kind!r} registered twice")
    _KINDS[kind] = entry
    return entry


def partner_file_kinds() -> dict[str, PartnerFileKind]:
    """Every registered kind (importing each module of ``partner_kinds``)."""
    global _loaded
    if not _loaded:
        from . import partner_kinds

        for module in pkgutil.iter_modules(partner_kinds.__path__):
            importlib.import_module(f"{partner_kinds.__name__}.{module.name}")
        _loaded = True
    return dict(_KINDS)


def partner_file_carries_fti(kind: str) -> bool:
    """Whether files of ``kind`` carry federal tax information (IRS Publication 1075): their
    content only for FTI-cleared staff, never for a partner key (no API scope grants FTI)."""
    entry = partner_file_kinds().get(kind)
    return entry is not None and entry.fti


# The report of a file carrying FTI (tax offsets: how many, how much; a refused line's reason quotes
# its amounts): FTI itself.
PARTNER_FILE_FTI_FIELDS = ("counts", "totals", "errors")


def partner_file_errors_without_fti(partner_file) -> list[dict]:
    """``partner_file``'s errors for a channel that has no FTI gate (the partner API, domain
    events): of a file carrying FTI, the line of each error only, since a refused line's reason
    quotes its amounts (IRS Publication 1075); the reasons stay on the file for cleared staff
    (``partner_file_report_shown``)."""
    errors = [{"line": e.get("line", 0), "reason": e.get("reason", "")} for e in (partner_file.errors or [])]
    if partner_file_carries_fti(partner_file.kind):
        return [{"line": e["line"]} for e in errors]
    return errors


def partner_file_report_shown(*, request, partner_file) -> bool:
    """Whether the staff member of ``request`` may see ``partner_file``'s report figures (its
    ``PARTNER_FILE_FTI_FIELDS``): always for a file without FTI; for a file carrying FTI, by the FTI
    gate (``cases.access.fti_figures_shown``: cleared staff only, each display logged)."""
    if not partner_file_carries_fti(partner_file.kind):
        return True
    return fti_figures_shown(
        request=request, obj=partner_file, fields=PARTNER_FILE_FTI_FIELDS, detail={"kind": partner_file.kind}
    )


def partner_file_kind(kind: str) -> PartnerFileKind:
    kinds = partner_file_kinds()
    if kind not in kinds:
        raise ValidationError({"kind": f"Unknown partner file kind {kind!r}."})
    return kinds[kind]


def inbound_kinds() -> list[PartnerFileKind]:
    return [k for k in partner_file_kinds().values() if k.direction == PartnerFileDirection.INBOUND]


def partner_route(kind: str) -> str:
    return (settings.CASEWORKS_PARTNER_ROUTES or {}).get(kind, PartnerRoute.DIRECT)


def _as_strings(totals: Mapping[str, Decimal]) -> dict[str, str]:
    return {k: str(Decimal(v).quantize(Decimal("0.01"))) for k, v in totals.items()}


# --- receiving and importing --------------------------------------------------------------------


def partner_file_receive(
    *, kind: str, name: str, content: bytes, via: str, by=None, agency=None, key=None, actor_label: str = ""
) -> Any:
    """Store a received file (``received``); ``partner_file_import`` imports it.

    ``key``: the partner API key that sent it — the file reaches that key's counties only."""
    from ..models import PartnerFile

    entry = partner_file_kind(kind)
    if entry.direction != PartnerFileDirection.INBOUND:
        raise ValidationError({"kind": f"{kind} files are sent by the office, not received."})
    if not content:
        raise ValidationError({"file": "The file is empty."})
    if len(content) > settings.CASEWORKS_PARTNER_FILE_MAX_BYTES:
        raise ValidationError({"file": f"The file is larger than {settings.CASEWORKS_PARTNER_FILE_MAX_BYTES} bytes."})
    counties = received_file_reach(key)
    partner_file = PartnerFile(
        kind=kind,
        direction=PartnerFileDirection.INBOUND,
        status=PartnerFileStatus.RECEIVED,
        name=(name or kind).replace("\x00", "")[:200],
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        layout=entry.layout,
        via=via,
        created_by=acting_user(by),
        agency=agency,
        actor_label=actor_label[:200],
        county=counties[0] if counties and len(counties) == 1 else "",
        reach=counties,  # the counties a key's file may reach travel with it (a job may import it later)
    )
    partner_file.full_clean(exclude=["content", "replay_of", "job", "agency", "created_by"])
    partner_file.save()
    return partner_file


def _finish(
    partner_file,
    *,
    status: str,
    counts: Mapping[str, int] | None = None,
    totals: Mapping[str, Decimal] | None = None,
    errors: list[dict] | None = None,
    replay_of=None,
    record_count: int | None = None,
    control_number: str | None = None,
) -> Any:
    partner_file.status = status
    partner_file.finished_at = timezone.now()
    partner_file.counts = dict(counts or {})
    partner_file.totals = _as_strings(totals or {})
    partner_file.errors = [{"line": e.get("line", 0), "reason": e.get("reason", "")} for e in (errors or [])]
    if replay_of is not None:
        partner_file.replay_of = replay_of
    if record_count is not None:
        partner_file.record_count = record_count
    if control_number is not None:
        partner_file.control_number = control_number[:40]
    partner_file.save(
        update_fields=[
            "status",
            "finished_at",
            "counts",
            "totals",
            "errors",
            "replay_of",
            "record_count",
            "control_number",
        ]
    )
    return partner_file


def _event(partner_file, *, by=None, actor_label: str = "") -> None:
    counts = ", ".join(f"{k} {v}" for k, v in (partner_file.counts or {}).items())
    event_about(
        partner_file,
        verb=f"partner_file.{partner_file.status}",
        by=by,
        actor_label=actor_label or partner_file.actor_label,
        summary=f"{partner_file.kind} {partner_file.name}: {counts or 'no records'}"
        + (f"; {len(partner_file.errors)} errors" if partner_file.errors else ""),
        data={
            "kind": partner_file.kind,
            "counts": partner_file.counts,
            # A file carrying FTI keeps its money totals on the file (shown to the cleared only), not
            # in an event anyone who reads events may open (IRS Publication 1075).
            "totals": {} if partner_file_carries_fti(partner_file.kind) else partner_file.totals,
            "errors": partner_file_errors_without_fti(partner_file)[:20],
        },
    )


def _replayed(partner_file, *, prior, control_number: str, by) -> Any:
    """Finish ``partner_file`` as a replay of ``prior``, the file already accepted with the same
    content or control number: its counts and totals, nothing imported again."""
    _finish(
        partner_file,
        status=PartnerFileStatus.REPLAY,
        replay_of=prior,
        counts=prior.counts,
        totals={k: Decimal(v) for k, v in (prior.totals or {}).items()},
        record_count=prior.record_count,
        control_number=control_number,
    )
    _event(partner_file, by=by)
    return partner_file


def _priors(partner_file, *, control: str = "") -> ReceivedPriors:
    """The accepted files of ``partner_file``'s kind with its content (or ``control`` number): a
    replay is the same file, and an earlier import of it reached its own counties only, so the
    file is a repeat only where an earlier import reached (idempotency key: content or control
    number, and reach)."""
    from ..models import PartnerFile
    from ..models.partner_files import ACCEPTED_LIKE

    same = Q(sha256=partner_file.sha256) | Q(control_number=control) if control else Q(sha256=partner_file.sha256)
    priors = list(
        PartnerFile.objects.filter(
            same, kind=partner_file.kind, direction=PartnerFileDirection.INBOUND, status__in=ACCEPTED_LIKE
        )
        .exclude(pk=partner_file.pk)
        .order_by("pk")
    )
    return ReceivedPriors.of(priors)


def partner_file_import(*, partner_file_id: int, resume: bool = False) -> Any:
    """Import a received file: replay check, parse, the kind's importer in one transaction, report.

    Idempotent: a file already claimed (importing or finished) is returned as it is, so a
    redelivered task repeats nothing; ``resume`` (the job's lease was taken over) imports a file
    left ``processing`` by a worker that died (its transaction rolled back with it)."""
    from ..models import PartnerFile

    claimed = row_claim(
        PartnerFile,
        pk=partner_file_id,
        waiting=PartnerFileStatus.RECEIVED,
        processing=PartnerFileStatus.PROCESSING,
        resume=resume,
    )
    partner_file = PartnerFile.objects.select_related("created_by", "agency").get(pk=partner_file_id)
    if not claimed:
        return partner_file
    entry = partner_file_kind(partner_file.kind)
    counties = partner_file.reach
    by = partner_file.created_by

    priors = _priors(partner_file)  # before parsing: the same content seen (rechecked under the lock)
    if priors.cover(counties):
        return _replayed(partner_file, prior=priors.first, control_number=priors.first.control_number, by=by)
    try:
        records = read(decode(bytes(partner_file.content)), get_layout(entry.layout))
    except FixedWidthError as exc:
        _finish(partner_file, status=PartnerFileStatus.REFUSED, errors=exc.errors)
        _event(partner_file, by=by)
        return partner_file
    control = entry.control_number(records) if entry.control_number else ""
    try:
        with transaction.atomic():
            if not row_still_claimed(PartnerFile, pk=partner_file.pk, processing=PartnerFileStatus.PROCESSING):
                return PartnerFile.objects.get(pk=partner_file.pk)
            # Imports of the same content or control number one at a time: the reach an earlier one
            # covered is read once it has committed (no county imported twice by overlapping keys).
            for name in sorted({f"sha256:{partner_file.sha256}", *([f"control:{control}"] if control else [])}):
                advisory_xact_lock(f"partner_file:{partner_file.kind}:{name}")
            priors = _priors(partner_file, control=control)
            if priors.cover(counties):
                return _replayed(partner_file, prior=priors.first, control_number=control, by=by)
            context = ImportContext(
                partner_file=partner_file,
                records=records,
                by=by,
                agency=partner_file.agency,
                actor_label=partner_file.actor_label,
                counties=counties,
                covered=sorted(priors.covered or ()),
            )
            assert entry.importer is not None
            entry.importer(context)
            _finish(
                partner_file,
                status=PartnerFileStatus.ACCEPTED,
                counts=dict(context.counts),
                totals=context.totals,
                record_count=len(records),
                control_number=control,
            )
    except PartnerFileRefused as exc:
        partner_file.refresh_from_db()
        _finish(
            partner_file,
            status=PartnerFileStatus.REFUSED,
            errors=exc.errors,
            record_count=len(records),
            control_number="",
        )
    except IntegrityError:
        # The same file (or control number) was accepted concurrently for the whole office
        # (``enf_partnerfile_content_once``): everything here rolled back.
        partner_file.refresh_from_db()
        priors = _priors(partner_file, control=control)
        if not priors.cover(counties):
            raise
        _finish(
            partner_file,
            status=PartnerFileStatus.REPLAY,
            replay_of=priors.first,
            counts=priors.first.counts,
            record_count=priors.first.record_count,
        )
    _event(partner_file, by=by)
    return partner_file


def partner_file_submit(
    *,
    kind: str,
    name: str,
    content: bytes,
    via: str = FileVia.COMMAND,
    by=None,
    agency=None,
    key=None,
    actor_label: str = "",
    background: bool | None = None,
) -> tuple[Any, bool]:
    """Receive a file and import it now, or — larger than ``CASEWORKS_PARTNER_FILE_SYNC_MAX_BYTES``
    (or ``background=True``) — through a background job. Returns ``(file, queued)``.

    Either way the file's job commits with it (the outbox) and the import runs under the job's
    lease: a background file's by a worker; a small one's by this process at once
    (``core.jobs.job_enqueue_here``), so the caller gets the import's report — and should this
    process die mid-import (a web worker's timeout, an out-of-memory kill, a deploy), the lease
    expires and the watchdog hands the job to a worker, which takes the file over."""
    from core.jobs import job_enqueue, job_enqueue_here, run_leased_here

    if background is None:
        background = len(content) > settings.CASEWORKS_PARTNER_FILE_SYNC_MAX_BYTES
    with transaction.atomic():
        partner_file = partner_file_receive(
            kind=kind, name=name, content=content, via=via, by=by, agency=agency, key=key, actor_label=actor_label
        )
        # The job row commits with the file: a broker outage delays the import, never loses it.
        enqueue = job_enqueue if background else job_enqueue_here
        job = enqueue(task=IMPORT_TASK, args=[partner_file.pk], key=f"partner_file:{partner_file.pk}")
        partner_file.job = job
        partner_file.save(update_fields=["job"])
    if not background:
        imported = []

        def run(lease) -> str:  # the job's result is the status, as a worker's
            imported.append(partner_file_import(partner_file_id=partner_file.pk, resume=lease.takeover))
            return imported[0].status

        if run_leased_here(job=job, fn=run) is not None:
            return imported[0], False
    partner_file.refresh_from_db()
    return partner_file, True


# --- exporting ----------------------------------------------------------------------------------


def partner_file_export(*, kind: str, by=None, actor_label: str = "", via: str = FileVia.COMMAND, **options) -> Any:
    """Build an outbound file with the kind's exporter, validate it with the project's own reader,
    and store it: ``ready`` (routed through the state office, which fetches it through the API)
    or ``sent`` (direct: the office transmits the file it gets)."""
    from ..models import PartnerFile

    entry = partner_file_kind(kind)
    if entry.direction != PartnerFileDirection.OUTBOUND or entry.exporter is None:
        raise ValidationError({"kind": f"{kind} files are received, not sent."})
    layout = get_layout(entry.layout)
    with transaction.atomic():
        result = entry.exporter(by=by, **options)
        try:
            lines = write(result.records, layout)
            read(lines, layout)  # the reader the partner's answer goes through agrees with what we wrote
        except FixedWidthError as exc:
            raise ValidationError([f"line {e['line']}: {e['reason']}" for e in exc.errors]) from exc
        content = "".join(line + "\r\n" for line in lines).encode("ascii")
        routed = partner_route(kind) == PartnerRoute.STATE
        partner_file = PartnerFile(
            kind=kind,
            direction=PartnerFileDirection.OUTBOUND,
            status=PartnerFileStatus.READY if routed else PartnerFileStatus.SENT,
            name=(result.name or f"{kind}-{timezone.localdate():%Y%m%d}.txt")[:200],
            content=content,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            control_number=result.control_number[:40],
            layout=entry.layout,
            record_count=len(lines),
            counts=dict(result.counts),
            totals=_as_strings(result.totals),
            county=result.county,
            via=via,
            created_by=acting_user(by),
            actor_label=actor_label[:200],
            finished_at=timezone.now(),
        )
        partner_file.save()
        if result.on_stored is not None:
            result.on_stored(partner_file)
        _event(partner_file, by=by, actor_label=actor_label)
    return partner_file


def partner_file_fetched(*, partner_file, agency=None) -> Any:
    """The state office (or the partner) fetched an outbound file through the API: ``ready`` →
    ``sent``, the first fetch's time and agency kept."""
    from ..models import PartnerFile

    if partner_file.direction != PartnerFileDirection.OUTBOUND:
        return partner_file
    now = timezone.now()
    updated = PartnerFile.objects.filter(pk=partner_file.pk, fetched_at__isnull=True).update(
        fetched_at=now, agency=agency, status=PartnerFileStatus.SENT
    )
    if updated:
        partner_file.refresh_from_db()
        event_about(
            partner_file,
            verb="partner_file.fetched",
            actor_label=str(agency or "API"),
            summary=f"{partner_file.kind} {partner_file.name} fetched by {agency or 'a partner key'}",
        )
    return partner_file


def count_line(partner_file) -> str:
    """The last line a command prints: the file's counts."""
    parts = [
        f"records {partner_file.record_count}",
        *(f"{k.replace('_', ' ')} {v}" for k, v in (partner_file.counts or {}).items()),
    ]
    parts += [f"{k.replace('_', ' ')} {v}" for k, v in (partner_file.totals or {}).items()]
    if partner_file.errors:
        parts.append(f"errors {len(partner_file.errors)}")
    return f"{partner_file.kind} {partner_file.status}: " + ", ".join(parts)
