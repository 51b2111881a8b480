from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from accounts.api.authentication import PartnerPrincipal


class ApiKeyRateThrottle(SimpleRateThrottle):
    """One bucket per API key (rate: CASEWORKS_API_THROTTLE_RATE). Not brute-force protection:
    that is django-axes for people; keys are unguessable."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        if isinstance(request.user, PartnerPrincipal):
            return self.cache_format % {"scope": self.scope, "ident": request.user.key.pk}
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicRateThrottle(AnonRateThrottle):
    """For forms and endpoints the public reaches without an account (CASEWORKS_PUBLIC_THROTTLE_RATE)."""

    scope = "public"
