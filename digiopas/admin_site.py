"""The admin site: in production mode staff sign in with a password and an authenticator code."""

from django.conf import settings
from django.contrib.admin.sites import AdminSite
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Username, password and the six-digit code from the staff member's authenticator app.

    One answer for every wrong sign-in: a different one for a right password with a missing or
    wrong code would tell whoever is guessing that the password is right. Such an attempt also
    counts towards the sign-in pause (django-axes), like a wrong password.
    """

    error_messages = {
        **OTPAdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "The username, password or code is not right. Please check them and try again "
            "with the code your authenticator app shows now."
        ),
    }

    def clean(self) -> dict:
        try:
            return super().clean()
        except ValidationError:
            if self.user_cache is not None:  # the password was right, the code was not
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": self.cleaned_data.get("username")},
                    request=self.request,
                )
                self.user_cache = None
            raise self.get_invalid_login_error() from None

    def _chosen_device(self, user):
        # Staff have one authenticator app each: no device menu to choose from.
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, for_verify=True))
            if len(devices) == 1:
                device = devices[0]
        return device


class StaffAdminSite(OTPAdminSite):
    """Two-factor sign-in when STAFF_OTP_REQUIRED (production); the plain admin otherwise."""

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    @property
    def login_form(self):
        return StaffLoginForm if settings.STAFF_OTP_REQUIRED else None

    @property
    def login_template(self):
        return "admin/login_with_code.html" if settings.STAFF_OTP_REQUIRED else None

    def index(self, request, extra_context=None):
        context = {
            **(extra_context or {}),
            "staff_attention": _staff_attention(request),
            "today_on": timezone.localdate(),
            "libraries_today": _libraries_today(request),
        }
        return super().index(request, context)

    def i18n_javascript(self, request, extra_context=None):
        """The admin's script catalogue with ours read after Django's: its Finnish lacks the
        two-list chooser's instructions, and both its Finnish and Swedish the calendar's and
        clock's newer labels (locale/*/LC_MESSAGES/djangojs.po)."""
        return ScriptCatalogue.as_view(packages=["django.contrib.admin"])(request)

    def has_permission(self, request) -> bool:
        if settings.STAFF_OTP_REQUIRED:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)


class ScriptCatalogue(JavaScriptCatalog):
    def get_paths(self, packages):
        return [*super().get_paths(packages), *map(str, settings.LOCALE_PATHS)]


def _libraries_today(request) -> list | None:
    """Today at each library this staff member sees, for those who may see bookings."""
    from bookings.access import visible_libraries
    from bookings.staff.today import libraries_today

    if not request.user.has_perm("bookings.view_booking"):
        return None
    return libraries_today(visible_libraries(request.user), now=timezone.now())


def _staff_attention(request) -> dict[str, int] | None:
    """What the call list holds for this staff member's libraries, shown on the front page."""
    # Imported here: this module is loaded with the admin app, before the models are ready.
    from bookings.access import visible_library_ids
    from bookings.notifications import staff_attention

    user = request.user
    if not user.has_perm("bookings.view_notification"):
        return None
    library_ids = None if user.is_superuser else visible_library_ids(user)
    return staff_attention(library_ids, now=timezone.now())
