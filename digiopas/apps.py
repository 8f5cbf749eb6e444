from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


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
