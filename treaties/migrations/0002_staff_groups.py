"""Create the staff groups: `editors` add, change and view the record; `viewers` only view it.

Neither group may manage users. Permissions are created here explicitly because
Django only creates them after all migrations have run (post_migrate).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DATA_APPS = ("countries", "treaties")


def create_groups(apps, schema_editor):
    for app_label in DATA_APPS:
        app_config = apps.get_app_config(app_label)
        # The migration state's app config has no models module; create_permissions only checks it is set.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    data = Permission.objects.filter(content_type__app_label__in=DATA_APPS)
    editors, _ = Group.objects.get_or_create(name="editors")
    editors.permissions.set(data.filter(codename__regex=r"^(add|change|view)_"))
    viewers, _ = Group.objects.get_or_create(name="viewers")
    viewers.permissions.set(data.filter(codename__startswith="view_"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["editors", "viewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("countries", "0001_initial"),
        ("treaties", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
