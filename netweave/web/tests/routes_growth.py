"""The growth pages in the access table: organizers (their own chapters) and admins only.

Charlie (the outsider) organizes Hilltop, so without ?chapter= he sees his own chapter's
growth; asking for Riverside's is refused (test_growth.py).
"""

from __future__ import annotations

from netweave.web.tests.routes import ANY_ORGANIZER, Case, none, private

GROWTH_CASES: list[Case] = [
    Case("growth", none, private(ANY_ORGANIZER)),
    Case("growth_compare", none, private(ANY_ORGANIZER)),
    Case("growth_map", none, private(ANY_ORGANIZER)),
    Case("growth_export", lambda w, t: {"table": "funnel", "fmt": "csv"},
         private(ANY_ORGANIZER)),
]
