from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from core.views import HealthView

# Apps whose urls.py / api/urls.py are mounted; each app owns its own URL space.
AREA_APPS = ["cases", "enforcement", "complaints", "hearings", "outreach", "training", "quality"]

# The partner lists first (cases and people, collections, enforcement actions: issue 17.3):
# resolution tries the modules in order, and each one's paths start with their own words.
api_v1 = [
    path("", include("cases.api.urls")),
    path("", include("cases.ledger.api.urls")),
    *[path("", include(f"{app}.api.urls")) for app in AREA_APPS if app != "cases"],
    path("", include("cases.guidelines.api.urls")),
]

urlpatterns = [
    # First: the partner API is resolved on every call, and no pattern below matches under
    # api/v1/, so the order changes nothing but the patterns tried (the lists, issue 17.3).
    path("api/v1/", include(api_v1)),
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("cases.search_urls")),  # /search/ and /people/<id>/ (issue 15.1)
    path("healthz", HealthView.as_view(), name="healthz"),
    *[path(f"{app}/", include(f"{app}.urls")) for app in AREA_APPS],
    path("guidelines/", include("cases.guidelines.urls")),
    path("reviews/", include("cases.reviews.urls")),
    path("ledger/", include("cases.ledger.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path(f"{settings.CASEWORKS_ADMIN_PATH}", admin.site.urls),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
