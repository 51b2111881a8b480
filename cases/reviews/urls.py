from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.ReviewListView.as_view(), name="list"),
    path("orders/<int:order_id>/open/", views.ReviewOpenView.as_view(), name="open"),
    path("<int:pk>/", views.ReviewDetailView.as_view(), name="detail"),
    path("<int:pk>/worksheet.pdf", views.ReviewWorksheetPdfView.as_view(), name="worksheet_pdf"),
    path("<int:pk>/calculate/", views.ReviewCalculateView.as_view(), name="calculate"),
    path("<int:pk>/complete/", views.ReviewCompleteView.as_view(), name="complete"),
]
