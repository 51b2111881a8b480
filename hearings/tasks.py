"""Hearings Celery tasks: thin — load by id, call a service, idempotent."""
