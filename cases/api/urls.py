from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CaseViewSet, FviOverrideUseAPIView, PersonViewSet

router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("cases", CaseViewSet, basename="case")
router.register("people", PersonViewSet, basename="person")

urlpatterns = [
    *router.urls,
    path(
        "cases/<str:case_number>/fvi-overrides/<int:pk>/use/",
        FviOverrideUseAPIView.as_view(),
        name="case-fvi-override-use",
    ),
]
