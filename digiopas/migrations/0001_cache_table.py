"""The shared cache's table (CACHE_URL=dbcache://…, the default): `migrate` is the one step that
makes a database ready, on a fresh machine as on an upgraded one. Nothing is created for Redis;
switching to another dbcache table later takes `manage.py createcachetable`."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
