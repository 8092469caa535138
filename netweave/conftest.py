import pytest

from netweave.core.testing import World, build_world


@pytest.fixture
def world(db) -> World:  # noqa: ANN001
    return build_world()
