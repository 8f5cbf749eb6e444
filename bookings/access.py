"""Who on the staff may see which library: the one rule every staff page and admin list uses."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from bookings.models import Guide, Library


def visible_libraries(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Library]:
    """Superusers see every library; other staff the ones they belong to or guide at."""
    if not user.is_authenticated or not user.is_staff:
        return Library.objects.none()
    if user.is_superuser:
        return Library.objects.all()
    # Two subqueries rather than an OR across two joins: PostgreSQL then looks up this user's
    # rows by index instead of joining every library to every guide (bench/explain).
    staff_of = Library.staff.through.objects.filter(user=user).values("library_id")
    guide_at = Guide.libraries.through.objects.filter(guide__user=user).values("library_id")
    return Library.objects.filter(Q(pk__in=staff_of) | Q(pk__in=guide_at))


def visible_library_ids(user: AbstractBaseUser | AnonymousUser) -> list[int]:
    return list(visible_libraries(user).values_list("pk", flat=True))
