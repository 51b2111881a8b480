from django.urls import path

from .views import Ocse157APIView

urlpatterns = [
    path("performance/ocse157/", Ocse157APIView.as_view(), name="performance-ocse157"),
]
