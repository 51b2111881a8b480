from core.navigation import HomeCard, MenuGroup, MenuItem, count_card

from .choices import ComplianceStatus

MENU = MenuGroup(
    "Training",
    [
        MenuItem("My training", "training:my_training"),
        MenuItem("Trainer dashboard", "training:dashboard", "training.view_enrolment"),
        MenuItem("Courses", "training:course_list", "training.view_course"),
        MenuItem("Sessions", "training:session_list", "training.view_trainingsession"),
        MenuItem("Compliance", "training:compliance", "training.view_coursecompletion"),
        MenuItem("Needs survey", "training:needs_list", "training.view_needssurvey"),
        MenuItem("Policies & procedures", "training:policy_list", "training.view_policydocument"),
    ],
)


def home_cards(request) -> list[HomeCard]:
    """Every staff member: their required training overdue and due soon."""
    from django.urls import reverse

    from .selectors import my_required_training

    user = request.user
    if not user.is_authenticated:
        return []
    rows = my_required_training(user=user)
    if not rows:
        return []
    overdue = [r for r in rows if r.status in (ComplianceStatus.OVERDUE, ComplianceStatus.NEVER)]
    due_soon = [r for r in rows if r.status == ComplianceStatus.DUE_SOON]
    url = reverse("training:my_training")
    cards = [
        count_card(
            "My required training overdue",
            len(overdue),
            f"{url}?status=overdue",
            note=", ".join(r.course.title for r in overdue)[:200] or "Nothing overdue",
            tone="danger",
            quiet="success",
        ),
        count_card(
            "My required training due soon",
            len(due_soon),
            f"{url}?status=due_soon",
            note=", ".join(f"{r.course.title} by {r.due_on:%b %d}" for r in due_soon)[:200] or "Nothing due soon",
            tone="warning",
            quiet="success",
        ),
    ]
    return cards
