"""Accounts Celery tasks: thin — load by id, call a service."""

from __future__ import annotations

from celery import shared_task

from .password_reset import password_reset_email_send


@shared_task(name="accounts.tasks.password_reset_email_task")
def password_reset_email_task(user_id: int) -> bool:
    """Send a password reset link. A redelivery sends a second link; both work once, for an hour."""
    return password_reset_email_send(user_id=user_id)
