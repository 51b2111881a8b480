"""Create one group per role. Their permissions are set by accounts.roles.sync_roles after every
migrate (post_migrate), once every app's permissions exist."""

from django.db import migrations

ROLES = [
    "caseworker",
    "enforcement_specialist",
    "coordinator",
    "ombudsperson",
    "hearing_officer",
    "outreach",
    "trainer",
    "quality_analyst",
    "partner_agency",
    "administrator",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, remove_groups)]
