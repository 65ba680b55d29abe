import pytest


@pytest.fixture(autouse=True)
def _no_preloaded_cast(django_db_blocker, request):
    """The demo creates its own accounts (`cadre`, `leader` …) and leaves existing usernames
    alone; the session's preloaded cast would stand in their place, so these stories start
    without it (the test's transaction brings it back afterwards)."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        yield
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    from fupin.accounts.models import User
    from tests.conftest import CAST_ROLES

    User.objects.filter(username__in=CAST_ROLES).delete()
    yield
