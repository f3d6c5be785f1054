"""The "Bot operators" group: its members may add bots in the site (bots.add_bot)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Bot operators"


def create_group(apps, schema_editor):
    # Permissions are made after migrations on a fresh database; make bots' now to grant one.
    config = apps.get_app_config("bots")
    config.models_module = True  # the stub of a migration's state has none; say it has models
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="bots", codename="add_bot")
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("bots", "0010_apps_and_sign_ins"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
