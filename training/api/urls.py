from django.urls import path

from .views import ComplianceViewSet

urlpatterns = [
    path("training/compliance/", ComplianceViewSet.as_view({"get": "list"}), name="training-compliance"),
]
