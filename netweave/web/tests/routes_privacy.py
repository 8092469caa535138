"""The privacy routes in the access table (docs/privacy.md), walked by test_route_access.py.

- a person's own data (page, JSON download, asking to be deleted): the signed-in person, and
  only their own (the URLs name nobody, so nobody can ask for anyone else's); charlie and the
  admin have no person row: the page says so, the download and the request are refused;
- requests to be deleted and forgetting a person: organizers of the person's chapter (and
  admins); charlie organizes Hilltop and sees his own (empty) list, never Riverside's;
- the audit log and its CSV download: organizers and admins. Asked for Riverside's log,
  charlie (organizer of another chapter) is refused.
"""

from __future__ import annotations

from netweave.core.testing import World
from netweave.web.tests.routes import (
    ANY_ORGANIZER,
    EVERYONE_SIGNED_IN,
    ORGANIZERS,
    Case,
    Targets,
    erin,
    none,
    private,
)

# Everyone in the world with a person row of their own.
HAS_A_PERSON = {"member", "convener", "other_convener", "organizer"}


def bobs_request(w: World, t: Targets) -> dict[str, str]:
    from netweave.people.models import DeletionRequest

    row, _created = DeletionRequest.objects.get_or_create(
        chapter=w.chapter, person=w.bob_person, status=DeletionRequest.Status.OPEN)
    return {"public_id": row.public_id}


def riverside(w: World, t: Targets) -> str:
    return f"?chapter={w.chapter.public_id}"


PRIVACY_CASES: list[Case] = [
    Case("my_data", none, private(EVERYONE_SIGNED_IN)),
    Case("my_data_download", none, private(HAS_A_PERSON)),
    Case("my_data_delete", none, private(HAS_A_PERSON), "post"),
    Case("deletion_requests", none, private(ANY_ORGANIZER)),
    Case("deletion_request_decline", bobs_request, private(ORGANIZERS), "post",
         data=lambda w, t: {"reason": "We need it for the ledger."}),
    Case("person_forget", erin, private(ORGANIZERS)),
    Case("person_forget", erin, private(ORGANIZERS), "post"),
    Case("audit_log", none, private(ORGANIZERS), query=riverside),
    Case("audit_log_download", none, private(ORGANIZERS), query=riverside),
]
