"""Known contact details and notes written through the app's own code, then looked for in the
raw database (test_encryption.py). Also run in a subprocess against a real SQLite file."""

from __future__ import annotations

import json
from typing import Any

from netweave.core.testing import World
from netweave.outreach.models import OutreachSession
from netweave.people import contacts, services
from netweave.people.models import FollowUp
from netweave.work.models import Task

EMAIL = "maria.secret-7731@example.org"
PHONE_TYPED = "+44 7700 900 731"
PHONE = "+447700900731"  # as stored after normalising
SIGNAL = "+4915112345678"
PERSON_NOTE = "Landlord threatens eviction, lives at 12 Quarry Lane"
FOLLOWUP_NOTE = "Met at the bus depot, worried about her immigration papers"
TASK_NOTE = "Ask Maria about the night shift rota"
OUTREACH_NOTE = "Spoke with Jorge Almeida-Quintero at the laundrette"
# Every string that must never be found in the database files or table dumps.
NEEDLES = [EMAIL, PHONE, PHONE_TYPED, "7700900731", SIGNAL, "15112345678", PERSON_NOTE,
           "Quarry Lane", FOLLOWUP_NOTE, "immigration papers", TASK_NOTE, "night shift rota",
           OUTREACH_NOTE, "Almeida-Quintero"]
# Written in clear on purpose (a display name is not encrypted): proves the scan can see text.
CONTROL = "Controlname Zyxwvut"


def plant(world: World) -> Any:
    """Write the secrets through the services; return the person."""
    person = services.person_create(
        actor=world.alice, chapter=world.chapter, display_name=CONTROL, email=EMAIL,
        phone=PHONE_TYPED, notes=PERSON_NOTE,
    )
    contacts.channel_add(person=person, kind=contacts.Kind.SIGNAL, value=SIGNAL)
    services.followup_update(actor=world.alice, person=person, status=FollowUp.CONTACTED,
                             note=FOLLOWUP_NOTE)
    Task.objects.create(chapter=world.chapter, playbook=world.playbook, person=person,
                        note=TASK_NOTE, report_note=TASK_NOTE)
    OutreachSession.objects.create(chapter=world.chapter, notes=OUTREACH_NOTE)
    return person


def main(snapshot_dir: str) -> None:
    """For the subprocess: plant into the configured (file) database, print what the app reads
    back and what duplicate detection finds, as JSON. Before exiting (which checkpoints the
    write-ahead log into the main file) copy the database files, -wal included, to
    `snapshot_dir`, so the test scans the log as well as the checkpointed file."""
    import shutil
    from pathlib import Path

    from django.conf import settings
    from django.db import transaction

    from netweave.core.testing import build_world

    with transaction.atomic():
        world = build_world()
        person = plant(world)
    person.refresh_from_db()
    read = [c.value for c in contacts.channels_read(actor=world.alice, person=person)]
    found = contacts.people_matching(chapter_id=world.chapter.id, kind="phone",
                                     value="0044 7700 900731")
    database = Path(settings.DATABASES["default"]["NAME"])
    for suffix in ("", "-wal", "-shm"):
        source = database.with_name(database.name + suffix)
        if source.exists():
            shutil.copy(source, Path(snapshot_dir) / source.name)
    print(json.dumps({"person": person.pk, "notes": person.notes, "read": read,
                      "found": found}))
