"""What a key may reach is decided by its scopes alone: ``<resource>:read`` for safe methods,
``<resource>:write`` otherwise, on the view's ``scope_resource``."""

from rest_framework import permissions

from accounts.api.authentication import PartnerPrincipal


def required_scope(view, method: str) -> str | None:
    resource = getattr(view, "scope_resource", "")
    if not resource:
        return None
    action = "read" if method in permissions.SAFE_METHODS else "write"
    # Overrides by viewset action ("list") or by method ("post"), e.g. a calculator that POSTs but reads.
    overrides = getattr(view, "scope_overrides", {})
    return overrides.get(getattr(view, "action", None) or "") or overrides.get(method.lower()) or f"{resource}:{action}"


class HasScope(permissions.BasePermission):
    message = "This API key does not have the scope for this operation."

    def has_permission(self, request, view) -> bool:
        principal = request.user
        if not isinstance(principal, PartnerPrincipal):
            return False
        scope = required_scope(view, request.method)
        if scope is None:
            # A view that forgot to declare its resource is closed, not open.
            return False
        return principal.key.has_scope(scope)
