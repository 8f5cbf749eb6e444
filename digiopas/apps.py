from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import apps as totp_apps
from django_tasks_db import apps as tasks_apps


class DigiopasConfig(AppConfig):
    """The project package as an app: its management command (staff_totp) and sign-in hook."""

    default = True
    name = "digiopas"
    verbose_name = "Digiopas"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_refresh

        # A new sign-in starts its idle time (SessionIdleTimeoutMiddleware).
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: session_refresh(request.session),
            dispatch_uid="digiopas_session_refresh",
            weak=False,
        )


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with digiopas.admin_site.StaffAdminSite as `admin.site`."""

    default = False
    default_site = "digiopas.admin_site.StaffAdminSite"


# The libraries' own sections of the admin, named in the staff member's language (their app
# names are plain English, and django-otp's model names are not marked for translation).


class SignInProtectionConfig(axes_apps.AppConfig):
    """django-axes: sign-in attempts counted towards the pause after wrong passwords."""

    default = False
    verbose_name = _("Sign-in protection")


class AuthenticatorAppsConfig(totp_apps.DefaultConfig):
    """django-otp's TOTP devices: each staff member's authenticator app."""

    default = False
    verbose_name = _("Two-factor sign-in")

    def ready(self) -> None:
        super().ready()
        # The names the admin shows, not the Meta that migrations read (`original_attrs`):
        # no migration of django-otp's is asked for.
        options = self.get_model("TOTPDevice")._meta
        options.verbose_name = _("authenticator app")
        options.verbose_name_plural = _("authenticator apps")


class BackgroundTasksConfig(tasks_apps.TasksAppConfig):
    """django-tasks-db: the queue messages are sent from (`db_worker`)."""

    default = False
    verbose_name = _("Background tasks")
