from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = "Enforcement"

    def ready(self) -> None:
        from core.hooks import collection_reversed

        from .services.partner_kinds.offset import offset_held_reversed
        from .services.returns import returned_disbursements_moot

        collection_reversed.register(returned_disbursements_moot)
        collection_reversed.register(offset_held_reversed)
