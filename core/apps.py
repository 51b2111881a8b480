from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401
        from .reference_data import ensure_reference_data
        from .schedules import sync_schedules_after_migrate

        post_migrate.connect(sync_schedules_after_migrate, dispatch_uid="caseworks-sync-schedules")
        post_migrate.connect(ensure_reference_data, dispatch_uid="caseworks-reference-data")
