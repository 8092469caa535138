"""The load test's accounts, added to a database that already holds a movement (the demo's).

For every simulated organizer: an account with the organizer role in a chapter, a confirmed
authenticator (TOTP) device whose key the load test knows, so it signs in with the code an app
would show, and a chapter referral code for the people it signs up at a table. For every
simulated member: a person with an account in one of the chapter's active networks, a referral
code of their own, and tasks offered to them to report back on.

Writes everything the simulated users need (usernames, the one password, TOTP keys, codes,
task ids and what each task counts) to a JSON file for the locust file.

    python loadtest/fixture.py --users 200 --out users.json   (DATABASE_URL names the database)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
from pathlib import Path
from typing import Any

TASKS_PER_MEMBER = 12


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, required=True,
                        help="accounts of each kind to make (the simulated users draw from them)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netweave.settings")
    import django

    django.setup()
    data = build(users=args.users, rng=random.Random(args.seed))  # noqa: S311  # nosec B311
    args.out.write_text(json.dumps(data))
    print(f"load-test accounts: {len(data['organizers'])} organizers, "
          f"{len(data['members'])} members, "
          f"{sum(len(m['tasks']) for m in data['members'])} tasks offered")
    return 0


def build(*, users: int, rng: random.Random) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from netweave.core.models import Chapter, ChapterRole
    from netweave.networks.models import Membership, Network
    from netweave.outreach.models import ReferralCode
    from netweave.people.models import Person
    from netweave.work.models import Playbook, Task

    user_model = get_user_model()
    password = secrets.token_urlsafe(12)
    hashed = make_password(password)  # hashed once: every load-test account shares it
    chapters = list(Chapter.objects.order_by("id"))
    if not chapters:
        raise SystemExit("The database has no chapters: build the demo movement first.")
    # Accounts spread over the chapters as their people are, so the biggest chapter gets most.
    sizes = {c.id: Person.objects.filter(chapter=c).count() for c in chapters}
    networks = {
        c.id: list(Network.objects.filter(chapter=c, status=Network.Status.ACTIVE)
                   .order_by("id").values_list("id", "public_id"))
        for c in chapters
    }
    chapters = [c for c in chapters if networks[c.id]]
    playbooks = list(Playbook.objects.filter(chapter__isnull=True, active=True)
                     .exclude(report_fields=[]).order_by("id"))
    organizer_of = {}
    for role in ChapterRole.objects.filter(role=ChapterRole.Role.ORGANIZER).select_related("user"):
        organizer_of.setdefault(role.chapter_id, role.user)

    def pick_chapter() -> Chapter:
        return rng.choices(chapters, weights=[sizes[c.id] for c in chapters])[0]

    organizers: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    with transaction.atomic():
        for i in range(users):
            chapter = pick_chapter()
            user = user_model.objects.create(username=f"load-organizer-{i:04d}",
                                             email=f"load-organizer-{i:04d}@example.org",
                                             password=hashed)
            ChapterRole.objects.create(user=user, chapter=chapter)
            device = TOTPDevice.objects.create(user=user, name="load test", confirmed=True)
            code = ReferralCode.objects.create(chapter=chapter, label=f"Load test table {i}",
                                               created_by=user)
            organizers.append({"username": user.username, "totp_key": device.key,
                               "code": code.code, "chapter": chapter.slug})
        for i in range(users):
            chapter = pick_chapter()
            network_id, network_public_id = rng.choice(networks[chapter.id])
            user = user_model.objects.create(username=f"load-member-{i:04d}",
                                             email=f"load-member-{i:04d}@example.org",
                                             password=hashed)
            person = Person.objects.create(chapter=chapter, display_name=f"Load member {i}",
                                           user=user)
            Membership.objects.create(network_id=network_id, person=person)
            code = ReferralCode.objects.create(chapter=chapter, person=person,
                                               created_by=organizer_of.get(chapter.id))
            tasks = Task.objects.bulk_create([
                Task(chapter=chapter, playbook=playbook, person=person,
                     assigned_by=organizer_of.get(chapter.id))
                for playbook in rng.sample(playbooks, min(TASKS_PER_MEMBER, len(playbooks)))
            ])
            members.append({
                "username": user.username, "code": code.code, "chapter": chapter.slug,
                "network": network_public_id,
                "tasks": [{"id": t.public_id,
                           "counts": [f["key"] for f in t.playbook.report_fields]}
                          for t in tasks],
            })
    return {"password": password, "organizers": organizers, "members": members}


if __name__ == "__main__":
    sys.exit(main())
