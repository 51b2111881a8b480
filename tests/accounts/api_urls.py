"""A URLConf for testing the API key machinery on its own (``@pytest.mark.urls``)."""

from django.urls import path
from rest_framework.response import Response

from core.api.views import PartnerAPIView


class EchoView(PartnerAPIView):
    scope_resource = "cases"

    def get(self, request):
        return Response({"agency": request.user.agency.name, "scopes": request.user.scopes})

    def post(self, request):
        return Response({"written": True}, status=201)


urlpatterns = [path("api/v1/echo/", EchoView.as_view(), name="echo")]
