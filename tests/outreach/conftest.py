import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_public_limiter():
    """The public-form limiter lives in the cache: each test starts with an empty window."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def outreach_user(role_user):
    user = role_user("outreach")
    if not user.email:
        user.email = "outreach@caseworks.example"
        user.save()
    return user
