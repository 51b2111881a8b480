from django.urls import path

from .api import CaseLedgerAPIView, CollectionCreateAPIView

urlpatterns = [
    path("cases/<str:case_number>/ledger/", CaseLedgerAPIView.as_view(), name="api-case-ledger"),
    path("collections/", CollectionCreateAPIView.as_view(), name="api-collection-create"),
]
