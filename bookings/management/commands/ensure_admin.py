import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the local 'admin' superuser if missing and print its password "
        "(DJANGO_SUPERUSER_PASSWORD, or one generated once and kept in .admin-password)."
    )

    def handle(self, *args, **options) -> None:
        password_file = Path(settings.BASE_DIR) / ".admin-password"
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not password and password_file.exists():
            password = password_file.read_text().strip()
        if not password:
            password = secrets.token_urlsafe(12)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        user, created = get_user_model().objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        if created or os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
            user.set_password(password)
            user.save()
        elif not user.check_password(password):
            self.stdout.write("Admin account 'admin' exists with a password changed since; kept.")
            return
        self.stdout.write(f"Admin: http://127.0.0.1:8000/admin/  user: admin  password: {password}")
