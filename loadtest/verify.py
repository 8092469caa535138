"""Checks that every write the load test got a success answer for is in the database.

Reads the writes log the locust file appended to (one JSON object a line) and looks each one
up, as it was meant, not merely as a row count:

- a report-back: the task is reported, with exactly the numbers sent, and the ledger has the
  task's "completed a task" entry;
- a sign-up: the chapter holds a person found by the email given (through its keyed hash, the
  way duplicates are found), with the name given, brought in through the code used.

    python loadtest/verify.py writes.jsonl   (DATABASE_URL names the database)

Prints a summary and the first missing writes; exits non-zero if any is missing.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: verify.py WRITES.jsonl", file=sys.stderr)
        return 2
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netweave.settings")
    import django

    django.setup()
    path = Path(args[0])
    writes = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    missing = [(write, why) for write in writes if (why := check(write))]
    kinds: dict[str, int] = {}
    for write in writes:
        kinds[write["kind"]] = kinds.get(write["kind"], 0) + 1
    counted = ", ".join(f"{n} {kind}s" for kind, n in sorted(kinds.items())) or "none"
    print(json.dumps({"writes": len(writes), "missing": len(missing), "by_kind": kinds}))
    if missing:
        print(f"verification FAILED: {len(missing)} of {len(writes)} acknowledged writes "
              f"are not in the database ({counted})")
        for write, why in missing[:20]:
            print(f"  {why}: {json.dumps(write)}")
        return 1
    print(f"verification passed: all {len(writes)} acknowledged writes are in the database "
          f"({counted})")
    return 0


def check(write: dict[str, Any]) -> str:
    """Why this write is not in the database as it was acknowledged ("" when it is)."""
    if write["kind"] == "report":
        return check_report(write)
    if write["kind"] == "signup":
        return check_signup(write)
    return f"unknown kind {write['kind']!r}"


def check_report(write: dict[str, Any]) -> str:
    from netweave.core.models import Contribution
    from netweave.work.models import Task

    task = Task.objects.filter(public_id=write["task"]).first()
    if task is None:
        return "no such task"
    if task.status != Task.Status.REPORTED:
        return f"task is {task.status}"
    sent = {key: value for key, value in write["numbers"].items() if value is not None}
    if task.report != sent:
        return f"task's numbers are {task.report}"
    if task.report_note != write["note"]:
        return "task's note differs"
    if not Contribution.objects.filter(task=task, kind=Contribution.Kind.TASK_DONE).exists():
        return "no ledger entry"
    return ""


def check_signup(write: dict[str, Any]) -> str:
    from netweave.outreach.models import ReferralCode
    from netweave.people.contacts import people_matching
    from netweave.people.models import Person

    code = ReferralCode.objects.filter(code=write["code"]).first()
    if code is None:
        return "no such code"
    ids = people_matching(chapter_id=code.chapter_id, kind="email", value=write["email"])
    people = list(Person.objects.filter(id__in=ids))
    if not people:
        return "nobody with that email"
    if not any(p.display_name == write["name"] and p.referral_code_id == code.id
               for p in people):
        return "the person has another name or came in through another code"
    return ""


if __name__ == "__main__":
    sys.exit(main())
