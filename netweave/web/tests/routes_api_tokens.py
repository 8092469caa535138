"""The API tokens page and the API's schema and docs pages, with who may use them (walked by
test_route_access.py). The API's own operations have their table in netweave/api/tests.

- one's own tokens: everyone signed in, each for themselves; revoking another's token is a 404;
- the OpenAPI schema and the docs page: public (they describe the API, no data).
"""

from __future__ import annotations

from netweave.core.testing import World
from netweave.web.tests.routes import (
    DENIED,
    EVERYONE_SIGNED_IN,
    PUBLIC,
    Case,
    Targets,
    none,
    private,
)


def bobs_token(w: World, t: Targets) -> dict[str, str]:
    from netweave.api.services import token_create

    token, _raw = token_create(actor=w.bob, name="bob's script")
    return {"public_id": token.public_id}


API_TOKEN_CASES: list[Case] = [
    Case("api_tokens", none, private(EVERYONE_SIGNED_IN)),
    Case("api_tokens", none, private(EVERYONE_SIGNED_IN), "post",
         data=lambda w, t: {"name": "sync", "scope": "read", "days": "30"}),
    Case("api_token_revoke", bobs_token,
         private({"member"}, **dict.fromkeys(("convener", "organizer", "admin"), DENIED)),
         "post"),
    Case("api_openapi", none, PUBLIC),
    Case("api_docs", none, PUBLIC),
]
