import pytest

from netweave.core.testing import World, build_world


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Argon2 is deliberately slow; tests log in hundreds of users. Production keeps Argon2
    # (netweave/core/tests/test_settings.py checks the settings module itself).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:  # noqa: ANN001
    return build_world()
