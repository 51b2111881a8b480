"""Writes of the audit tables. Every app records its domain events through ``event_record``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any, Required, TypedDict, Unpack

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from .db import PreparedRead, advisory_xact_lock, rows_insert, rows_insert_reading
from .models import AccessLog, DomainEvent, ObjectOutOfScope


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address (``core.client_ip``: REMOTE_ADDR unless a proxy is trusted), as django-axes
    reads it too (``AXES_CLIENT_IP_CALLABLE``)."""
    if request is None:
        return None
    from .client_ip import request_client_ip

    return request_client_ip(request)


def acting_user(by: Any) -> Any | None:
    """Who to store as having done it: ``by`` when it is a user with a row, else ``None`` (the system
    when ``by`` is ``None``, an anonymous visitor, a partner's key)."""
    from django.contrib.auth import get_user_model

    return by if isinstance(by, get_user_model()) and by.pk else None


REPEAT_WINDOW = timedelta(minutes=5)

# What ``repeat_refuse`` raises: a message (or field errors), or made from the row repeated.
RepeatMessage = str | dict[str, Any] | Callable[[Any], str | dict[str, Any] | ValidationError]


def repeat_refuse(
    *,
    parent: models.Model | str,
    same: models.QuerySet,
    message: RepeatMessage,
    at: str = "",
    window: timedelta | None = REPEAT_WINDOW,
    locked: bool = False,
) -> None:
    """Refuse a row that repeats one added a moment ago (a double-clicked or retried form):
    ``same`` selects the identical rows (usually the same content by the same person); one whose
    ``at`` time is within ``window`` raises ``ValidationError(message)``. With ``window=None`` any
    such row is a repeat, whenever it was added (``same`` then says what still counts: the same
    open item, the same court order, the same lump sum the same day). ``message`` may be made from
    the row repeated (the first one): a callable given it, returning the message or the error.

    The repeats take turns on a lock held until the transaction ends, so two submissions at once
    take turns and the second sees the first: ``parent``'s row (``select_for_update``), or, for a
    row with no parent row to lock (a new complaint, a new hearing request), an advisory lock of
    that name. ``locked=True``: the caller has already locked ``parent``'s row in this transaction
    (to read it fresh), and it is not locked again. Call it in the transaction that adds the row,
    before adding it. The same row again after the window (the same note hours later, a second
    locate attempt the next day) is added as usual."""
    if isinstance(parent, str):
        advisory_xact_lock(parent)
    elif not locked:
        type(parent)._base_manager.select_for_update().filter(pk=parent.pk).first()
    if window is not None:
        if not at:
            raise TypeError("repeat_refuse: a window needs the time field it is measured on (at=...).")
        same = same.filter(**{f"{at}__gte": timezone.now() - window})
    if not callable(message):
        if same.exists():
            raise ValidationError(message)
        return
    first = same.order_by("pk").first()
    if first is not None:
        made = message(first)
        raise made if isinstance(made, ValidationError) else ValidationError(made)


def row_repeat_refuse(
    *,
    row: models.Model,
    parent: models.Model | str,
    fields: Sequence[str],
    message: RepeatMessage,
    at: str = "",
    window: timedelta | None = REPEAT_WINDOW,
    locked: bool = False,
) -> None:
    """``repeat_refuse`` for ``row``, about to be added: the rows of its model whose ``fields`` hold
    ``row``'s values are the same row. The values compared are the ones that will be saved, so the
    check cannot drift from what is written."""
    repeat_refuse(parent=parent, same=same_rows(row, fields), at=at, message=message, window=window, locked=locked)


def same_rows(row: models.Model, fields: Sequence[str]) -> models.QuerySet:
    """The saved rows of ``row``'s model whose ``fields`` hold ``row``'s values (``row`` may be unsaved)."""
    return type(row)._default_manager.filter(**{name: getattr(row, name) for name in fields})


def day_run_once(model: type[models.Model], *, run_on: Any, lock: str) -> tuple[Any, bool]:
    """The run of a daily task for ``run_on`` (a ``ScheduledRun`` with ``run_on``): the one written
    already, or a new one — ``(run, created)``. Call it inside the transaction that writes the day's
    work: overlapping callers take turns on the advisory lock ``lock`` until it ends, so the second
    finds the first's run and a retried or redelivered task does the day's work once."""
    advisory_xact_lock(lock)
    run = model._default_manager.filter(run_on=run_on).order_by("pk").first()
    if run is not None:
        return run, False
    return model._default_manager.create(run_on=run_on), True


def event_record(
    *,
    verb: str,
    subject: models.Model | None = None,
    case_id: int | None = None,
    actor=None,
    actor_label: str = "",
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> DomainEvent:
    """Append one domain event ("order.modified", "hearing.scheduled", ...)."""
    user = acting_user(actor)
    return DomainEvent.objects.create(
        verb=verb,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        case_id=case_id,
        actor=user,
        actor_label=actor_label or ("" if user else str(actor or "")),
        summary=summary[:500],
        data=data or {},
    )


def case_of(subject: models.Model) -> int | None:
    """The case a record is filed under: its ``case_id``, or its own pk when it is a case (``core``
    names the model by label: it imports no domain app)."""
    if subject._meta.label == "cases.Case":
        return subject.pk
    return getattr(subject, "case_id", None)


def event_about(
    subject: models.Model,
    *,
    verb: str,
    by=None,
    summary: str = "",
    actor_label: str = "",
    data: dict[str, Any] | None = None,
    case_id: int | None = None,
) -> DomainEvent:
    """Append the domain event about ``subject``, on its case: ``case_id``, or the subject's own
    when it has one (a complaint, a hearing request, a work item...), or the subject itself when it
    is a case."""
    return event_record(
        verb=verb,
        subject=subject,
        case_id=case_id if case_id is not None else case_of(subject),
        actor=by,
        actor_label=actor_label,
        summary=summary,
        data=data,
    )


class EventDetails(TypedDict, total=False):
    """What ``event_about`` takes besides the subject; ``saved_with_event`` passes it on as it is."""

    verb: Required[str]
    by: Any
    summary: str
    actor_label: str
    data: dict[str, Any] | None
    case_id: int | None


def saved_with_event(
    obj: models.Model,
    *,
    update_fields: Sequence[str] | None = None,
    about: models.Model | None = None,
    **event: Unpack[EventDetails],
) -> Any:
    """The last steps of most services: validate (``full_clean``), save (only ``update_fields``
    when given), and append the domain event (``event_about``: ``verb``, ``by``, ``summary``...)
    about the object, or about ``about`` when the event belongs on another record's timeline (a
    note or an action recorded on its plan, complaint or hearing request), on its case:
    ``case_id``, or the subject's own when it has one. Returns the object."""
    obj.full_clean()
    obj.save(update_fields=update_fields)
    event_about(obj if about is None else about, **event)
    return obj


def saved_created_or_changed(obj: models.Model, *, created: str, changed: str, by=None, summary: str = "") -> Any:
    """``saved_with_event`` for a record people add and edit on one form: the event is ``created``
    for a new object (not yet in the database, whatever its pk), ``changed`` for an edit."""
    return saved_with_event(obj, verb=created if obj._state.adding else changed, by=by, summary=summary)


def events_bulk_record(
    events: Iterable[DomainEvent] = (),
    *,
    fields: Sequence[str] = (),
    rows: Iterable[Sequence[Any]] = (),
    values: Mapping[str, Any] | None = None,
) -> int:
    """Append many events in a few statements (sweeps, imports, batches): the one bulk writer of
    ``DomainEvent``.

    Either ``events`` (unsaved ``DomainEvent`` instances, ``bulk_create``), or, at sweep and file
    volume where building instances costs more than the insert, ``rows``: tuples of ``fields``
    written with ``core.db.rows_insert``, ``values`` giving every row the same ``actor``,
    ``actor_label`` or ``subject_type``."""
    if fields:
        from .db import rows_insert

        tuples = list(rows)
        rows_insert(DomainEvent, fields, tuples, values=values)
        return len(tuples)
    instances = list(events)
    DomainEvent.objects.bulk_create(instances, batch_size=2000)
    return len(instances)


def access_log_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user=None,
    username: str = "",
    obj: models.Model | None = None,
    fields: Iterable[str] = (),
    outcome: str = "success",
    detail: dict[str, Any] | None = None,
) -> AccessLog:
    if user is None and request is not None:
        user = getattr(request, "user", None)
    real_user = acting_user(user)
    return AccessLog.objects.create(
        kind=kind,
        user=real_user,
        username=username or (real_user.get_username() if real_user else ""),
        ip_address=client_ip(request),
        path=(request.get_full_path()[:500] if request is not None else ""),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        fields=list(fields),
        outcome=outcome,
        detail=detail or {},
    )


def sensitive_read_record(
    *, request: HttpRequest, obj: models.Model, fields: Iterable[str], person=None, detail: dict[str, Any] | None = None
) -> AccessLog:
    """Log that ``request.user`` saw sensitive fields (SSN, date of birth, whereabouts, FTI, bank
    data) of ``obj``; the row names the person they are about (``person``, or ``obj`` itself when
    it is the person), so the security report can answer "who read X's SSN?"."""
    person = person if person is not None else (obj if obj._meta.label == "cases.Person" else None)
    named = {"person_id": person.pk, "person": str(person)} if person is not None else {}
    return access_log_record(
        kind=AccessLog.Kind.SENSITIVE_READ, request=request, obj=obj, fields=fields, detail={**named, **(detail or {})}
    )


def sensitive_reads_bulk_record(
    *,
    request: HttpRequest,
    username: str,
    object_type: str,
    reads: Iterable[tuple[Any, Iterable[str], dict[str, Any]]],
    reading: models.QuerySet | PreparedRead | None = None,
) -> list[dict]:
    """``sensitive_read_record`` for the rows of one list response, in one INSERT: ``reads`` is
    ``(object_id, fields, detail)`` per object shown (``detail`` names the person). Written now, in
    the request (never batched later): a list's query count stays flat in its page size. One
    statement (``core.db.rows_insert``, no model instances): outside a transaction it commits by
    itself, without ``bulk_create``'s BEGIN and COMMIT round trips.

    ``reading``: a ``.values()`` queryset (or a ``core.db.PreparedRead``) the list still has to read (the people's cases), read in
    the same round trip as the INSERT on PostgreSQL (``core.db.rows_insert_reading``); its rows are
    returned (``[]`` without it)."""
    ip, path = client_ip(request), request.get_full_path()[:500]
    rows = [(str(object_id), list(fields), detail) for object_id, fields, detail in reads if fields]
    values = {
        "kind": AccessLog.Kind.SENSITIVE_READ,
        "username": username[:150],
        "ip_address": ip,
        "path": path,
        "object_type": object_type,
    }
    if reading is None:
        rows_insert(AccessLog, ["object_id", "fields", "detail"], rows, values=values)
        return []
    return rows_insert_reading(AccessLog, ["object_id", "fields", "detail"], rows, values=values, read=reading)


def out_of_scope_in(exception: BaseException | None) -> ObjectOutOfScope | None:
    """The "object exists but is out of scope" behind a 404, if that is what caused it."""
    seen = 0
    while exception is not None and seen < 10:
        if isinstance(exception, ObjectOutOfScope):
            return exception
        exception = exception.__cause__ or exception.__context__
        seen += 1
    return None


def access_denial_record(*, request: HttpRequest, exception: BaseException | None) -> AccessLog | None:
    """A 404 because the object is out of the user's (or key's) scope is an access denial: log
    who, what, the path and the address. A 404 for a row that does not exist is not logged."""
    denied = out_of_scope_in(exception)
    if denied is None:
        return None
    user = denied.user
    username = user.get_username() if hasattr(user, "get_username") else str(user or "")
    return access_log_record(
        kind=AccessLog.Kind.ACCESS_DENIED,
        request=request,
        user=user,
        username=username,
        obj=denied.model(pk=denied.object_pk),
        outcome="not_found",
        detail={"reason": "out_of_scope", "action": denied.action},
    )
