import pytest
from django.test import Client as DjangoClient

from netweave.core.testing import Client, World, build_world


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Argon2 is deliberately slow; tests log in hundreds of users. Production keeps Argon2
    # (netweave/core/tests/test_settings.py checks the settings module itself).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client() -> Client:
    """force_login also passes the two-factor step where the user's role requires it."""
    return Client()


@pytest.fixture
def plain_client() -> DjangoClient:
    """Django's own test client: force_login signs in with the password step only."""
    return DjangoClient()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters and lockouts live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db) -> World:  # noqa: ANN001
    return build_world()
