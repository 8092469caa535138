from __future__ import annotations

from typing import Any

import pytest

from netweave.api.services import token_create
from netweave.core.testing import World


@pytest.fixture
def token_for(world: World) -> Any:
    """A write token for a role (None for anonymous)."""
    made: dict[str, str | None] = {}

    def make(role: str, scope: str = "write") -> str | None:
        user = world.user(role)
        if user is None:
            return None
        key = f"{role}:{scope}"
        if key not in made:
            made[key] = token_create(actor=user, name=f"{role} test", scope=scope)[1]
        return made[key]

    return make


def bearer(token: str | None) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
