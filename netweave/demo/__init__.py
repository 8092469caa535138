"""A demo movement for `netweave demo`: three chapters over a year, built deterministically.

Riverside grows geometrically (networks seeding networks, five or six generations deep), Hilltop
incrementally (its core adds networks one by one), Lakeview is four months old. People, their
situations and contact channels, networks, memberships, links, referral codes, outreach, events,
tasks, follow-ups and the ledger all agree with one another, and every person's ladder stage is
derived from the ledger as the services derive it.

Not a Django app: plain modules that write through the models, used by the `demo` command and
the tests.
"""

from netweave.demo.build import (
    DEFAULT_PEOPLE,
    DEFAULT_SEED,
    LOGINS,
    MIN_PEOPLE,
    Demo,
    Login,
    build,
)

__all__ = ["DEFAULT_PEOPLE", "DEFAULT_SEED", "LOGINS", "MIN_PEOPLE", "Demo", "Login",
           "build"]
