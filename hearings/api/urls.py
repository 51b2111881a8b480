from rest_framework.routers import SimpleRouter

from .views import HearingRequestViewSet

router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("hearings", HearingRequestViewSet, basename="hearing")

urlpatterns = [*router.urls]
