from django.urls import path

from . import views

app_name = "guidelines"

urlpatterns = [
    path("ny/", views.NyGuidelineView.as_view(), name="ny"),
    path("ca/", views.CaGuidelineView.as_view(), name="ca"),
]
