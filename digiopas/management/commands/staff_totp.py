import io

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Set up a staff member's authenticator app (TOTP) for the two-factor sign-in: prints "
        "a QR code and the otpauth:// address with the secret to add to the app. --replace "
        "removes the old app first (a lost or new phone)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--replace", action="store_true", help="remove the user's existing authenticator apps"
        )
        parser.add_argument("--no-qr", action="store_true", help="print only the address")

    def handle(self, *args, username: str, replace: bool, no_qr: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username, is_staff=True).first()
        if user is None:
            raise CommandError(f"No staff account with the username {username!r}.")
        with transaction.atomic():
            existing = TOTPDevice.objects.filter(user=user)
            if existing.exists() and not replace:
                raise CommandError(
                    f"{username} already has an authenticator app. Use --replace to set up "
                    "a new one (the old one stops working)."
                )
            existing.delete()
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        url = device.config_url
        if not no_qr:
            picture = io.StringIO()
            segno.make(url, error="m").terminal(out=picture, compact=True)
            self.stdout.write(picture.getvalue())
        self.stdout.write(f"\nScan the code above, or add this address to the app:\n{url}\n")
        self.stdout.write(
            "Keep it secret: anyone with it can make codes for this account. Sign in at "
            "/admin/ with the username, the password and the six-digit code the app shows."
        )
