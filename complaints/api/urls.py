from rest_framework.routers import SimpleRouter

from .views import ComplaintViewSet

router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("complaints", ComplaintViewSet, basename="complaint")

urlpatterns = [*router.urls]
