"""Every API call is logged with the agency, the endpoint and the outcome."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from core.services import client_ip

from .models import ApiRequestLog


class ApiRequestLogMiddleware:
    PREFIX = "/api/v1/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.PREFIX):
            key = getattr(request, "caseworks_api_key", None)
            ApiRequestLog.objects.create(
                agency_id=key.agency_id if key else None,
                key_prefix=key.prefix if key else "",
                method=request.method[:10],
                path=request.path[:500],
                status_code=response.status_code,
                ip_address=client_ip(request),
            )
        return response
