"""The admin site keeps each set of permissions' list of apps and models (``core.admin_site``): a
user sees the models of their own permissions, and a permission granted shows at once."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse

from core.admin_site import CaseworksAdminSite

pytestmark = pytest.mark.django_db


def _models_in_sidebar(user) -> set[str]:
    if not user.is_superuser:  # admin lets in administrators only: the list as the site makes it
        request = RequestFactory().get(reverse("admin:index"))
        request.user = user
        return {model["object_name"] for app in admin.site.get_app_list(request) for model in app["models"]}
    client = Client()
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {model["object_name"] for app in response.context["available_apps"] for model in app["models"]}


def test_admin_site_is_the_project_s():
    assert isinstance(admin.site, CaseworksAdminSite)


def test_each_user_sees_the_models_of_their_permissions_and_a_new_permission_at_once(make_user):
    # given a staff user who may view employers only, and a superuser
    clerk = make_user(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_employer"))
    boss = make_user(username="boss", is_staff=True, is_superuser=True)

    # then each sees their own models, whoever asked first
    assert _models_in_sidebar(clerk) == {"Employer"}
    assert {"Employer", "Person", "Case"} <= _models_in_sidebar(boss)
    assert _models_in_sidebar(clerk) == {"Employer"}

    # and a permission granted shows on the next page
    clerk.user_permissions.add(Permission.objects.get(codename="view_person"))
    clerk = type(clerk).objects.get(pk=clerk.pk)
    assert _models_in_sidebar(clerk) == {"Employer", "Person"}


def test_a_page_changing_its_list_does_not_change_the_next_page_s(rf, make_user):
    boss = make_user(username="boss", is_staff=True, is_superuser=True)
    request = rf.get("/")
    request.user = boss
    first = admin.site.get_app_list(request)
    first[0]["models"].clear()
    first.clear()
    assert admin.site.get_app_list(request)[0]["models"]
