from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from .seeds import ensure_after_migrate

        post_migrate.connect(ensure_after_migrate, sender=self, dispatch_uid="training_required_courses")
