from django.urls import path

from . import views

app_name = "guidelines"

urlpatterns = [
    path("ny/", views.NyGuidelineView.as_view(), name="ny"),
    path("ny/worksheet.pdf", views.NyWorksheetPdfView.as_view(), name="ny_pdf"),
    path("ca/", views.CaGuidelineView.as_view(), name="ca"),
    path("ca/worksheet.pdf", views.CaWorksheetPdfView.as_view(), name="ca_pdf"),
]
