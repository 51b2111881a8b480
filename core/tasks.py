"""Core tasks: a health ping that touches the database (used by the real-worker test and operators)."""

from celery import shared_task
from django.contrib.auth import get_user_model


@shared_task(name="core.ping")
def ping_task(value: str = "ping") -> dict:
    return {"echo": value, "users": get_user_model().objects.count()}
