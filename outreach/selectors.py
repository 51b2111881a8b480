"""Outreach reads (selectors): lists, the calendar month, survey results and dashboard figures."""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.mail import EmailStatus

from .choices import OPEN_INQUIRY_STATUSES, AnnouncementStatus, Audience, EventStatus, InquiryStatus, QuestionKind
from .models import Announcement, Event, MediaInquiry, Survey, SurveyAnswer, SurveyQuestion
from .services import due_soon_window


def event_list(*, base: QuerySet[Event]) -> QuerySet[Event]:
    return base.select_related("host_organisation").annotate(
        registered=Count("registrations", distinct=True),
        attendees=Count("registrations", filter=Q(registrations__attended=True), distinct=True),
    )


def public_announcements() -> QuerySet[Announcement]:
    return Announcement.objects.filter(status=AnnouncementStatus.PUBLISHED).order_by("-published_at", "-id")


def media_inquiries_due(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    open_qs = MediaInquiry.objects.filter(status__in=OPEN_INQUIRY_STATUSES)
    return open_qs.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(deadline__lt=now)),
        due_soon=Count("pk", filter=Q(deadline__gte=now, deadline__lte=now + due_soon_window())),
    )


def upcoming_events(*, now: datetime | None = None, days: int = 30) -> QuerySet[Event]:
    now = now or timezone.now()
    return Event.objects.filter(
        status=EventStatus.SCHEDULED, starts_at__gte=now, starts_at__lt=now + timedelta(days=days)
    ).order_by("starts_at")


# Calendar ------------------------------------------------------------------------------------
@dataclass
class CalendarDay:
    day: date
    in_month: bool
    events: list[Event] = field(default_factory=list)


def calendar_month(*, year: int, month: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day with the events starting that local day."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(weeks[0][0], time.min), tz)
    end = timezone.make_aware(datetime.combine(weeks[-1][-1] + timedelta(days=1), time.min), tz)
    by_day: dict[date, list[Event]] = {}
    for event in (
        Event.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=EventStatus.CANCELLED)
        .order_by("starts_at")
    ):
        by_day.setdefault(timezone.localtime(event.starts_at, tz).date(), []).append(event)
    return [[CalendarDay(d, d.month == month, by_day.get(d, [])) for d in week] for week in weeks]


# Surveys -------------------------------------------------------------------------------------
STOPWORDS = {
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "even",
    "few",
    "for",
    "from",
    "further",
    "get",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "really",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "much",
    "lot",
    "lots",
    "thing",
    "things",
    "one",
    "us",
    "make",
    "made",
}
WORD = re.compile(r"[a-zA-Z][a-zA-Z'-]{2,}")


def text_themes(texts: list[str], *, top: int = 10) -> list[tuple[str, int]]:
    """A plain keyword count over free-text answers (each word counted once per answer), most
    frequent first and, at the same count, in alphabetical order: ``Counter.most_common`` keeps
    ties in the order words were first met, which here is a set's (it changed from one process to
    the next, and with it which words made the top)."""
    counts: Counter[str] = Counter()
    for text in texts:
        words = {w.lower().strip("'-") for w in WORD.findall(text)}
        counts.update(w for w in words if w not in STOPWORDS and len(w) > 2)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]


@dataclass
class QuestionResult:
    question: SurveyQuestion
    count: int = 0
    average: float | None = None
    distribution: list[tuple[int, int]] = field(default_factory=list)
    yes: int = 0
    no: int = 0
    texts: list[str] = field(default_factory=list)
    themes: list[tuple[str, int]] = field(default_factory=list)


def survey_link_emails(*, survey: Survey) -> dict:
    """The e-mailed links of a survey (``SurveyInvitee``): how many went out, how many wait for the
    relay, and the attendees whose address it refused for good (name, e-mail, reason)."""
    counts = dict(survey.invitees.values_list("email_status").annotate(n=Count("pk")).values_list("email_status", "n"))
    refused = list(
        survey.invitees.filter(email_status=EmailStatus.FAILED)
        .select_related("registration")
        .order_by("registration__name", "pk")
    )
    waiting = counts.get(EmailStatus.PENDING, 0) + counts.get(EmailStatus.SENDING, 0)
    return {"sent": counts.get(EmailStatus.SENT, 0), "waiting": waiting, "refused": refused, "any": bool(counts)}


def survey_results(*, survey: Survey) -> dict:
    """Per question: counts, the average score and spread (ratings), yes/no, free text and its themes."""
    questions = list(survey.questions.all())
    results = {q.pk: QuestionResult(question=q) for q in questions}
    answers = SurveyAnswer.objects.filter(response__survey=survey)
    for row in answers.values("question_id").annotate(
        n=Count("pk"), avg=Avg("rating"), yes=Count("pk", filter=Q(yes_no=True)), no=Count("pk", filter=Q(yes_no=False))
    ):
        r = results[row["question_id"]]
        r.count, r.yes, r.no = row["n"], row["yes"], row["no"]
        r.average = round(row["avg"], 2) if row["avg"] is not None else None
    spread: dict[int, Counter] = {}
    for qid, rating in answers.filter(rating__isnull=False).values_list("question_id", "rating"):
        spread.setdefault(qid, Counter())[rating] += 1
    for qid, counter in spread.items():
        results[qid].distribution = [(score, counter.get(score, 0)) for score in range(1, 6)]
    for qid, text in answers.exclude(text="").order_by("-response__submitted_at").values_list("question_id", "text"):
        results[qid].texts.append(text)
    for r in results.values():
        if r.question.kind == QuestionKind.TEXT:
            r.themes = text_themes(r.texts)
    overall = answers.filter(rating__isnull=False).aggregate(avg=Avg("rating"))["avg"]
    return {
        "responses": survey.responses.count(),
        "invitations": survey.invitations.count(),
        "satisfaction": round(overall, 2) if overall is not None else None,
        "questions": [results[q.pk] for q in questions],
    }


# Dashboard -----------------------------------------------------------------------------------
def _month_range(start: date, end: date) -> list[date]:
    months, cur = [], start.replace(day=1)
    while cur <= end:
        months.append(cur)
        cur = (cur + timedelta(days=32)).replace(day=1)
    return months


def dashboard_period(*, months: int = 12, today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _ in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, today


def _aware(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def events_by_month(*, start: date, end: date) -> list[dict]:
    """Held and scheduled events per month and audience, with attendees (reach)."""
    qs = (
        Event.objects.filter(starts_at__gte=_aware(start), starts_at__lt=_aware(end + timedelta(days=1)))
        .exclude(status=EventStatus.CANCELLED)
        .annotate(month=TruncMonth("starts_at"))
        .values("month", "audience")
        .annotate(
            events=Count("pk", distinct=True), reach=Count("registrations", filter=Q(registrations__attended=True))
        )
    )
    grid = {
        (m, a): {"month": m, "audience": a, "events": 0, "reach": 0}
        for m in _month_range(start, end)
        for a in Audience.values
    }
    for row in qs:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        cell = grid.get((month, row["audience"]))
        if cell is not None:
            cell["events"] += row["events"]
            cell["reach"] += row["reach"]
    return sorted(grid.values(), key=lambda r: (r["month"], r["audience"]))


def media_response_by_month(*, start: date, end: date) -> list[dict]:
    """Answered inquiries per month received: count, average and longest hours to respond, late ones."""
    hours: dict[date, list[float]] = {m: [] for m in _month_range(start, end)}
    late: dict[date, int] = dict.fromkeys(hours, 0)
    qs = MediaInquiry.objects.filter(
        status=InquiryStatus.RESPONDED, received_at__gte=_aware(start), received_at__lt=_aware(end + timedelta(days=1))
    )
    for received_at, responded_at, deadline in qs.values_list("received_at", "responded_at", "deadline"):
        month = timezone.localtime(received_at).date().replace(day=1)
        if month in hours:
            hours[month].append((responded_at - received_at).total_seconds() / 3600)
            late[month] += responded_at > deadline
    return [
        {
            "month": month,
            "answered": len(taken),
            "average_hours": round(sum(taken) / len(taken), 1) if taken else None,
            "max_hours": round(max(taken), 1) if taken else None,
            "late": late[month],
        }
        for month, taken in hours.items()
    ]


def feedback_by_month(*, start: date, end: date) -> list[dict]:
    """Average rating and number of responses per month submitted."""
    grid = {m: {"month": m, "responses": 0, "ratings": 0, "average": None} for m in _month_range(start, end)}
    window = Q(response__submitted_at__gte=_aware(start), response__submitted_at__lt=_aware(end + timedelta(days=1)))
    qs = (
        SurveyAnswer.objects.filter(window, rating__isnull=False)
        .annotate(month=TruncMonth("response__submitted_at"))
        .values("month")
        .annotate(avg=Avg("rating"), n=Count("pk"), responses=Count("response", distinct=True))
    )
    for row in qs:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        if month in grid:
            grid[month].update(responses=row["responses"], ratings=row["n"], average=round(row["avg"], 2))
    return list(grid.values())
