import io
import random

import pytest

from enforcement import demo
from enforcement.models import EnforcementAction, Petition, SweepRun

pytestmark = pytest.mark.django_db


def test_demo_sweep_proposes_actions_and_is_idempotent(make_user):
    users = {"enforcement_specialist": make_user("enforcement_specialist"), "coordinator": make_user("coordinator")}
    out = io.StringIO()
    demo.seed(users=users, rng=random.Random(1), stdout=out)
    counts = (EnforcementAction.objects.count(), Petition.objects.count(), SweepRun.objects.count())
    assert counts[0] > 0 and counts[1] == 2 and "actions proposed" in out.getvalue()
    assert EnforcementAction.objects.filter(status="contested").count() == 1
    demo.seed(users=users, rng=random.Random(1), stdout=out)
    assert (EnforcementAction.objects.count(), Petition.objects.count(), SweepRun.objects.count()) == counts
