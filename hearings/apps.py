from django.apps import AppConfig


class HearingsConfig(AppConfig):
    name = "hearings"
    verbose_name = "Hearings"

    def ready(self) -> None:
        from core.hooks import case_panels

        from .panels import hearing_requests_panel

        case_panels.register(hearing_requests_panel)
