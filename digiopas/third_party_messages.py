"""Messages of Django and of the libraries we use that the admin shows and their own catalogues
lack in Finnish or Swedish (Django 6.1.3, django-axes 8.3, django-tasks-db 0.13).

Our catalogue (LOCALE_PATHS, read before the libraries' own) translates them. They are listed
here only so that `make messages`, which reads our code and not the libraries', keeps them in
locale/; nothing imports this module. tests/test_admin_language.py finds any that go missing.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

DJANGO = (
    _("Run"),
    _("Change or view list link"),
    _("Filter by %(field_name)s"),
    _("Pagination %(name)s"),
    _("Pagination %(name)s entries"),
    _("Search %(name)s"),
    _("Logout"),
    _('The app "%s" could not be found.'),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", "count"),
    _(
        "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:"
    ),
    _(
        "Deleting the %(object_name)s “%(escaped_object)s” would require deleting the following "
        "protected related objects:"
    ),
    _(
        "Are you sure you want to delete the %(object_name)s “%(escaped_object)s”? All of the "
        "following related items will be deleted:"
    ),
    _("- Select an option -"),
    _("No %s matches the given query."),
    _("“%(value)s” is not a valid binary value."),
    _("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)

AXES = (
    _("access attempt"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("User Agent"),
    _("IP Address"),
    _("Username"),
    _("HTTP Accept"),
    _("Path"),
    _("Attempt Time"),
    _("Access lock out"),
    _("GET Data"),
    _("POST Data"),
    _("Failed Logins"),
    _("Access Attempt"),
    _("Expires At"),
    _("The time when access attempt expires and is no longer valid."),
    _("Logout Time"),
    _("Session key hash (sha256)"),
    _("Locked Out"),
    _("Form Data"),
    _("Meta Data"),
    _("Clean up expired attempts"),
    _("Not set"),
    _("Attempt Remaining"),
)

TASKS = (
    _("Task Result"),
    _("Task Results"),
    _("enqueued at"),
    _("started at"),
    _("finished at"),
    _("args kwargs"),
    _("priority"),
    _("task path"),
    _("worker id"),
    _("queue name"),
    _("backend name"),
    _("run after"),
    _("return value"),
    _("exception class path"),
    _("traceback"),
)
