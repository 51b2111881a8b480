from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and partner agencies"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_delete, pre_save

        from . import checks  # noqa: F401 — registers the deploy checks
        from .key_cache import agency_changing, key_changing
        from .models import ApiKey, PartnerAgency
        from .roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="caseworks-sync-roles")
        # A key or agency about to change leaves the shared cache first (accounts.key_cache).
        pre_save.connect(key_changing, sender=ApiKey, dispatch_uid="caseworks-api-key-saving")
        pre_delete.connect(key_changing, sender=ApiKey, dispatch_uid="caseworks-api-key-deleting")
        pre_save.connect(agency_changing, sender=PartnerAgency, dispatch_uid="caseworks-agency-saving")
