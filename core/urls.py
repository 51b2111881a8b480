from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("audit/", views.AuditTrailView.as_view(), name="audit_access"),
    path("audit/events/", views.DomainEventListView.as_view(), name="audit_events"),
    path("audit/changes/", views.ChangeHistoryView.as_view(), name="audit_changes"),
    path("legal-parameters/", views.LegalParameterListView.as_view(), name="legal_parameters"),
]
