from django.urls import path

from .views import CaGuidelineAPIView, NyGuidelineAPIView

urlpatterns = [
    path("guidelines/ny/", NyGuidelineAPIView.as_view(), name="api-guidelines-ny"),
    path("guidelines/ca/", CaGuidelineAPIView.as_view(), name="api-guidelines-ca"),
]
