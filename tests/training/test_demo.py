import pytest
from django.core.management import call_command

from accounts.models import User
from training.models import CourseCompletion, Enrolment
from training.selectors import fti_training_current

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # started first (tests/conftest.py): 2.5-9 CPU-s, not left for the run's end
def test_demo_has_a_lapsed_fti_training_and_a_waitlist():
    # (a second seeding adds no row of any model: tests/core/test_seed_demo.py)
    call_command("seed_demo", "--password", "demo-pass-123")
    assert CourseCompletion.objects.exists()
    assert fti_training_current(User.objects.get(username="enforcement_specialist")) is False
    assert fti_training_current(User.objects.get(username="coordinator")) is True
    assert Enrolment.objects.filter(status="waitlisted").count() == 1
