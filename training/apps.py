from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from core.hooks import fti_access_checks

        from .seeds import ensure_after_migrate
        from .selectors import fti_training_current

        fti_access_checks.register(fti_training_current)

        post_migrate.connect(ensure_after_migrate, sender=self, dispatch_uid="training_required_courses")
