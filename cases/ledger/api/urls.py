from django.urls import path

from .views import CaseLedgerAPIView, CollectionBatchAPIView, CollectionCreateAPIView

urlpatterns = [
    path("cases/<str:case_number>/ledger/", CaseLedgerAPIView.as_view(), name="api-case-ledger"),
    path("collections/", CollectionCreateAPIView.as_view(), name="api-collection-create"),
    path("collections/batch/", CollectionBatchAPIView.as_view(), name="api-collection-batch"),
]
