"""Training home cards (the menu is declared with the others in config/navigation.py)."""

from core.navigation import HomeCard, count_card

from .choices import ComplianceStatus


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
