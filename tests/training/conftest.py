import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType


@pytest.fixture
def fti_permission(db):
    """``cases.view_fti`` (defined by the cases app; created here if that app has not yet)."""
    ct, _ = ContentType.objects.get_or_create(app_label="cases", model="fti")
    perm = Permission.objects.filter(content_type__app_label="cases", codename="view_fti").first()
    if perm is None:
        perm = Permission.objects.create(content_type=ct, codename="view_fti", name="Can view federal tax information")
    return perm


@pytest.fixture
def fti_role(fti_permission):
    """Grant ``cases.view_fti`` to the enforcement specialist group (as the cases app may)."""
    group = Group.objects.get(name="enforcement_specialist")
    group.permissions.add(fti_permission)
    return group
