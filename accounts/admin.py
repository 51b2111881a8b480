from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin

from .models import ApiKey, ApiRequestLog, PartnerAgency, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "first_name", "last_name", "county", "unit", "is_active", "is_staff", "is_demo",
                    "last_login")
    list_filter = ("is_active", "is_staff", "is_demo", "groups", "county", "unit")
    readonly_fields = ("is_demo",)
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Office", {"fields": ("county", "unit", "title", "is_demo")}))


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    fields = ("prefix", "name", "scopes", "counties", "all_counties", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # keys are created with manage.py create_partner_key, which shows the key once


@admin.register(PartnerAgency)
class PartnerAgencyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "is_active", "contact_email", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    inlines = [ApiKeyInline]


@admin.register(ApiKey)
class ApiKeyAdmin(SimpleHistoryAdmin):
    list_display = ("prefix", "agency", "name", "scopes", "county_label", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("agency__kind", "all_counties", "revoked_at")
    search_fields = ("prefix", "agency__name", "name")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")
    list_select_related = ("agency",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        changed = 0
        for key in queryset.filter(revoked_at__isnull=True):
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])  # save(): keeps the change in the key's history
            changed += 1
        messages.success(request, f"Revoked {changed} key(s).")


@admin.register(ApiRequestLog)
class ApiRequestLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "agency", "key_prefix", "method", "path", "status_code", "ip_address")
    list_filter = ("method", "status_code", "agency")
    search_fields = ("path", "key_prefix", "agency__name")
    date_hierarchy = "at"
    list_select_related = ("agency",)
