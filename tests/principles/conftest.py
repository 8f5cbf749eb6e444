import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from tests.principles import factories


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /sv/… leaves Swedish active in the thread; start each test in Finnish."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def staff(db):
    """A member of staff with admin access but no rights to the principles page."""
    return factories.make_staff_user()


@pytest.fixture
def coordinator(db):
    """Edits and publishes the principles page."""
    return factories.make_staff_user(
        first_name="Kaisu",
        last_name="Koordinaattori",
        permissions=(
            "view_page",
            "change_page",
            "publish_page",
            "view_publishedversion",
        ),
    )


@pytest.fixture
def patron_account(db):
    """A logged-in user who is not staff."""
    return get_user_model().objects.create_user(username="patron")
