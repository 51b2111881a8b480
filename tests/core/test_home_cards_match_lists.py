"""Issue 14.4: every home card's figure opens a list of exactly that many rows.

The registry of cards is the home page itself (``core.navigation.home_cards_for``: each app's
``home_cards``). On the demo office, for every role's user, a coordinator of each county and users
with no county, each card with a count is read from the home page, its link followed, and the rows of
the list it opens counted (the list's paginator, or the page's rows where the page is not paginated).
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.demo import demo_home_county
from accounts.models import User
from cases.models import Case

pytestmark = pytest.mark.django_db

# Pages that are not a paginated list: the context entry that holds the rows they show.
ROWS_IN_CONTEXT = {"/training/my/": "required", "/hearings/docket/": "hearings"}


def _rows(response) -> int:
    context = response.context
    if "/training/compliance/" in response.request["PATH_INFO"]:
        return context["total"]  # paginated by hand: the number of rows over all pages
    paginator = context.get("paginator")
    if paginator is not None:
        return paginator.count
    for prefix, key in ROWS_IN_CONTEXT.items():
        if response.request["PATH_INFO"].endswith(prefix) or prefix in response.request["PATH_INFO"]:
            return len(context[key])
    if "object_list" in context:
        return len(context["object_list"])
    raise AssertionError(f"{response.request['PATH_INFO']}: no list of rows on this page")


def _users():
    home = demo_home_county()
    other = Case.objects.exclude(county=home).values_list("county", flat=True).first()
    assert other, "the demo office has cases in a second county"
    coordinator = Group.objects.get(name="coordinator")
    ombudsperson = Group.objects.get(name="ombudsperson")
    extra = []
    for username, county, group in (
        ("coord_other", other, coordinator),
        ("coord_nocounty", "", coordinator),
        ("ombud_nocounty", "", ombudsperson),
        ("nobody_nocounty", "", None),
    ):
        user = User.objects.create(username=username, county=county)
        if group is not None:
            user.groups.add(group)
        extra.append(user)
    demo = list(User.objects.filter(is_demo=True).order_by("username"))
    return demo + extra


def _cards(client, user):
    response = client.get("/")
    assert response.status_code == 200, f"{user.username}: home {response.status_code}"
    for _section, cards in response.context["sections"]:
        for card in cards:
            if card.url and str(card.value).isdigit():
                yield card


@pytest.mark.slow  # started first (tests/conftest.py): 2.5-9 CPU-s, not left for the run's end
@override_settings(CASEWORKS_DEMO_LOGINS=True)  # the demo staff may sign in
def test_every_home_card_opens_a_list_of_as_many_rows(client):
    call_command("seed_demo", "--password", "demo-pass-123")
    checked, mismatches, nonzero = 0, [], 0
    for user in _users():
        client.force_login(user)
        for card in _cards(client, user):
            response = client.get(card.url)
            assert response.status_code == 200, f"{user.username}: {card.title} → {card.url}: {response.status_code}"
            rows = _rows(response)
            checked += 1
            nonzero += int(card.value) > 0
            if rows != int(card.value):
                mismatches.append(f"{user.username}: {card.title} shows {card.value}, {card.url} lists {rows}")
        if user.username == "caseworker":  # a caseworker with a caseload: the caseload card is not empty
            assert any(card.title == "My open cases" and int(card.value) > 0 for card in _cards(client, user))
        if user.has_perms(("enforcement.view_sweeprun", "enforcement.view_enforcementaction")):
            for title, value, url in _enforcement_dashboard_figures(client):
                response = client.get(url)
                assert response.status_code == 200, f"{user.username}: dashboard {title} → {url}"
                checked += 1
                if _rows(response) != value:
                    mismatches.append(
                        f"{user.username}: dashboard {title} shows {value}, {url} lists {_rows(response)}"
                    )
        if user.has_perm("training.view_enrolment"):
            for title, value, url in _training_dashboard_figures(client):
                response = client.get(url)
                assert response.status_code == 200, f"{user.username}: training dashboard {title} → {url}"
                checked += 1
                if _rows(response) != value:
                    mismatches.append(f"{user.username}: training {title} shows {value}, {url} lists {_rows(response)}")
    assert not mismatches, "\n".join(mismatches)
    assert checked >= 20 and nonzero >= 5  # the demo office exercises the cards, not only zeros


def _enforcement_dashboard_figures(client):
    """(title, figure, link) for every counted figure of the enforcement dashboard."""
    context = client.get(reverse("enforcement:dashboard")).context
    yield "delinquent cases", context["delinquent"]["n"], context["delinquent_url"]
    yield "due in 7 days", context["due"], context["due_url"]
    yield "past the timeframe", context["compliance"]["overdue"], context["overdue_url"]
    if context["recon"] and context["recon_url"]:
        yield "open reconciliation exceptions", context["recon"]["count"], context["recon_url"]
    for row in context["rows"]:
        yield f"{row['remedy'].label} open", row["n"], row["url"]
        for stage, cell in zip(context["stages"], row["cells"], strict=True):
            if cell["n"]:
                yield f"{row['remedy'].label} {stage.label}", cell["n"], cell["url"]


def _training_dashboard_figures(client):
    """(title, figure, link) for each compliance status count of the training dashboard."""
    context = client.get(reverse("training:dashboard")).context
    for status, value in context["counts"].items():
        yield status, value, f"{reverse('training:compliance')}?status={status}"
