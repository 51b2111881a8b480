from rest_framework.routers import SimpleRouter

from .views import OutreachEventViewSet

router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("outreach-events", OutreachEventViewSet, basename="outreach-event")

urlpatterns = [*router.urls]
