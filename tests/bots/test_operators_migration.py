"""bots.0011: the Bot operators group, whose members may add bots, made by the migration on
a fresh database (before any permission exists) and taken away when it is reversed."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("bots", "0010_apps_and_sign_ins")
AFTER = ("bots", "0011_bot_operators_group")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def newest():
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_migration_makes_the_group_with_the_permission_to_add_bots(newest):
    apps = migrate(BEFORE)
    apps.get_model("auth", "Permission").objects.filter(content_type__app_label="bots").delete()
    assert not apps.get_model("auth", "Group").objects.filter(name="Bot operators").exists()

    apps = migrate(AFTER)
    group = apps.get_model("auth", "Group").objects.get(name="Bot operators")
    assert list(group.permissions.values_list("codename", flat=True)) == ["add_bot"]

    apps = migrate(BEFORE)
    assert not apps.get_model("auth", "Group").objects.filter(name="Bot operators").exists()
