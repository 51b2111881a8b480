from django.urls import path

from .search_views import PersonView, SearchView

urlpatterns = [
    path("search/", SearchView.as_view(), name="search"),
    path("people/<int:person_id>/", PersonView.as_view(), name="person"),
]
