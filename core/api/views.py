"""Base API views: scope-checked by the key, errors documented.

Subclass these for every partner endpoint and set ``scope_resource``: GET needs
``<resource>:read`` and writes need ``<resource>:write`` (accounts.api.permissions.HasScope).
"""

from django.contrib.auth.models import AnonymousUser
from rest_framework import generics, mixins, viewsets
from rest_framework.views import APIView


class PartnerViewMixin:
    scope_resource: str = ""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # DRF copies the principal onto the Django request; signal-based history would then try
        # to store an agency as a staff user. History rows of API writes carry no user; services
        # record the agency in their domain events instead.
        request._request.caseworks_principal = request.user
        request._request.user = AnonymousUser()

    @property
    def agency(self):
        return getattr(self.request.user, "agency", None)


class PartnerAPIView(PartnerViewMixin, APIView):
    pass


class PartnerGenericAPIView(PartnerViewMixin, generics.GenericAPIView):
    pass


class PartnerGenericViewSet(PartnerViewMixin, viewsets.GenericViewSet):
    pass


class PartnerReadOnlyViewSet(PartnerViewMixin, viewsets.ReadOnlyModelViewSet):
    pass


class PartnerListRetrieveViewSet(PartnerViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                                 viewsets.GenericViewSet):
    pass
