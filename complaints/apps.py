from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        from core.hooks import case_panels

        from .panels import complaints_panel

        case_panels.register(complaints_panel)
