from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = "Enforcement"

    def ready(self) -> None:
        from core.hooks import collection_reversed, employment_ended, employment_recorded, person_merging

        from .services.merging import bank_matches_merging, payee_accounts_merging
        from .services.partner_kinds.new_hires import employment_recorded_withholding
        from .services.partner_kinds.offset import offset_certifications_merging, offset_held_reversed
        from .services.payments import employment_ended_withholding
        from .services.returns import returned_disbursements_moot

        collection_reversed.register(returned_disbursements_moot)
        collection_reversed.register(offset_held_reversed)
        employment_recorded.register(employment_recorded_withholding)
        employment_ended.register(employment_ended_withholding)
        person_merging.register(offset_certifications_merging)
        person_merging.register(payee_accounts_merging)
        person_merging.register(bank_matches_merging)
