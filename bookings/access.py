"""Who on the staff may see which library: the one rule every staff page and admin list uses."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from .models import Library


def visible_libraries(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Library]:
    """Superusers see every library; other staff the ones they belong to or guide at."""
    if not user.is_authenticated or not user.is_staff:
        return Library.objects.none()
    if user.is_superuser:
        return Library.objects.all()
    return Library.objects.filter(Q(staff=user) | Q(guides__user=user)).distinct()


def visible_library_ids(user: AbstractBaseUser | AnonymousUser) -> list[int]:
    return list(visible_libraries(user).values_list("pk", flat=True))
