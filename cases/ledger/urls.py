from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("held/", views.HeldCollectionListView.as_view(), name="held_list"),
    path("held/<int:pk>/release/", views.HeldCollectionReleaseView.as_view(), name="held_release"),
    path("held/<int:pk>/reverse/", views.HeldCollectionReverseView.as_view(), name="held_reverse"),
    path("disbursements/late/", views.LateDisbursementListView.as_view(), name="late_disbursements"),
]
