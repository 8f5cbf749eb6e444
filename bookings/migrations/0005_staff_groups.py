"""The Guide and Coordinator groups with their permissions (safe to run on a database that has them).

Which libraries a member sees is decided separately, by library membership (bookings.access).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GUIDE = {
    "bookings": {
        "booking": ["view", "add", "change"],
        "slot": ["view", "add", "change", "delete"],
        "weeklyschedule": ["view", "add", "change"],
        "closure": ["view", "add"],
        "waitinglistentry": ["view", "add", "change"],
        "notification": ["view", "change"],
        "devicetype": ["view"],
        "topic": ["view"],
        "guide": ["view"],
        "library": ["view"],
    },
}
COORDINATOR_APPS = ["bookings", "principles"]


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so groups can use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    guide, _ = Group.objects.get_or_create(name="Guide")
    for app_label, models in GUIDE.items():
        for model, actions in models.items():
            guide.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )
    coordinator, _ = Group.objects.get_or_create(name="Coordinator")
    coordinator.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=COORDINATOR_APPS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("bookings", "0004_booking_staff_notes"),
        ("principles", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
