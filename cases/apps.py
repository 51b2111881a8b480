from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from core.hooks import case_panels

        from .documents import documents_panel

        case_panels.register(documents_panel)
