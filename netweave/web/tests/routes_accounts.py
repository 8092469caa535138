"""Account routes: password reset, two-factor pages, an admin's two-factor reset (walked by
test_route_access.py).

- password reset: public doors (a signed-in visitor may use them too);
- one's own two-factor pages: everyone signed in, each for themselves (the test client has
  already passed the code step for organizers and admins, netweave/conftest.py);
- resetting someone else's two-factor: admins only; others who may see the person get 403,
  the rest 404.
"""

from __future__ import annotations

from netweave.web.tests.routes import EVERYONE_SIGNED_IN, PUBLIC, Case, bob, none, private

ACCOUNT_CASES: list[Case] = [
    Case("password_reset", none, PUBLIC),
    Case("password_reset", none, PUBLIC, "post",
         data=lambda w, t: {"email": "nobody@example.org"}),
    Case("password_reset_done", none, PUBLIC),
    Case("password_reset_confirm", lambda w, t: {"uidb64": "MQ", "token": "bad-token"}, PUBLIC),
    Case("password_reset_complete", none, PUBLIC),
    Case("account_security", none, private(EVERYONE_SIGNED_IN)),
    Case("twofactor_enrol", none, private(EVERYONE_SIGNED_IN)),
    Case("twofactor_verify", none, private(EVERYONE_SIGNED_IN)),
    Case("twofactor_recovery", none, private(EVERYONE_SIGNED_IN), "post"),
    Case("twofactor_disable", none, private(EVERYONE_SIGNED_IN)),
    Case("twofactor_reset", bob, private({"admin"})),
    Case("twofactor_reset", bob, private({"admin"}), "post"),
]
