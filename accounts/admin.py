from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Exists, OuterRef
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LabelledTabularInline, ReadOnlyAdmin

from .mfa import mfa_reset
from .models import ApiKey, ApiRequestLog, ApiRequestTally, AuthenticatorDevice, PartnerAgency, RecoveryCodeDevice, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "county",
        "unit",
        "is_active",
        "is_staff",
        "is_demo",
        "mfa_enrolled",
        "last_login",
    )
    list_filter = ("is_active", "is_staff", "is_demo", "groups", "county", "unit")
    readonly_fields = ("is_demo",)
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Office", {"fields": ("county", "unit", "title", "is_demo")}))
    actions = ["reset_mfa"]

    def get_queryset(self, request):
        enrolled = AuthenticatorDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(_mfa_enrolled=Exists(enrolled))

    @admin.display(boolean=True, description="MFA", ordering="_mfa_enrolled")
    def mfa_enrolled(self, obj) -> bool:
        return obj._mfa_enrolled

    @admin.action(description="Reset multi-factor sign-in (they enrol again at next sign-in)", permissions=["change"])
    def reset_mfa(self, request, queryset):
        count = 0
        for user in queryset:
            mfa_reset(user=user, by=request.user, request=request)
            count += 1
        messages.success(
            request,
            f"Multi-factor sign-in reset for {count} user(s); each enrols again at the next "
            "sign-in. The reset is in the security log.",
        )


class ApiKeyInline(LabelledTabularInline):
    model = ApiKey
    extra = 0
    fields = (
        "prefix",
        "name",
        "scopes",
        "counties",
        "all_counties",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
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


@admin.register(ApiRequestTally)
class ApiRequestTallyAdmin(ReadOnlyAdmin):
    """Calls without a valid key, counted per client (IPv6 by /64) and minute: where a flood or a
    refused key's use is investigated (the request log holds the calls valid keys made)."""

    list_display = ("minute", "client", "count", "status_code", "key_prefix", "agency", "method", "path", "last_at")
    list_filter = ("status_code", "agency")
    search_fields = ("client", "key_prefix", "path", "agency__name")
    date_hierarchy = "minute"
    list_select_related = ("agency",)


@admin.register(AuthenticatorDevice)
class AuthenticatorDeviceAdmin(ReadOnlyAdmin):
    """Who has enrolled, and when a code was last accepted. The secret is never shown; to replace
    a lost authenticator use the users list's "Reset multi-factor sign-in" action (audited)."""

    list_display = ("user", "confirmed", "created_at", "last_used_at", "throttling_failure_count")
    list_filter = ("confirmed",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")


@admin.register(RecoveryCodeDevice)
class RecoveryCodeDeviceAdmin(ReadOnlyAdmin):
    list_display = ("user", "remaining")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    fields = ("user", "remaining")
    readonly_fields = ("remaining",)
