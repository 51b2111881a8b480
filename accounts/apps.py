from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and partner agencies"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from . import checks  # noqa: F401 — registers the deploy checks
        from .key_cache import agency_changed, key_changed
        from .models import ApiKey, PartnerAgency
        from .roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="caseworks-sync-roles")
        # A changed key or agency leaves the shared cache at once (accounts.key_cache).
        post_save.connect(key_changed, sender=ApiKey, dispatch_uid="caseworks-api-key-saved")
        post_delete.connect(key_changed, sender=ApiKey, dispatch_uid="caseworks-api-key-deleted")
        post_save.connect(agency_changed, sender=PartnerAgency, dispatch_uid="caseworks-agency-saved")
