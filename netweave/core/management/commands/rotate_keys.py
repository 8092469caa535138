"""`netweave rotate_keys`: re-encrypt values still on an old encryption key; `--rehash`
recomputes contact lookup hashes after NETWEAVE_HASH_KEY changed (docs/security.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from netweave.core import crypto


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted value under the current key (the first of "
            "NETWEAVE_ENCRYPTION_KEYS); --rehash also recomputes contact lookup hashes.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rehash", action="store_true",
                            help="Recompute contact lookup hashes under NETWEAVE_HASH_KEY.")
        parser.add_argument("--chunk", type=int, default=1000, help="Rows per batch.")
        parser.add_argument("--new-key", metavar="KEYID",
                            help="Only print a fresh keyid:base64key entry, change nothing.")
        parser.add_argument("--show-derived-key", action="store_true",
                            help="Only print the key derived from SECRET_KEY as an entry "
                                 "(to keep it as an old key when setting explicit keys).")

    def handle(self, *args: Any, rehash: bool, chunk: int, new_key: str | None,
               show_derived_key: bool, **opts: Any) -> None:
        if new_key:
            try:
                self.stdout.write(crypto.new_key_entry(new_key))
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            return
        if show_derived_key:
            self.stdout.write(crypto.derived_key_entry())
            return
        from netweave.people.contacts import keys_rotate

        counts = keys_rotate(rehash=rehash, chunk=max(chunk, 1))
        self.stdout.write(f"Current key: {crypto.keyring().current_id}")
        for label, c in counts.items():
            self.stdout.write(f"{label}: {c['changed']} of {c['examined']} rows rewritten")
        total = sum(c["changed"] for c in counts.values())
        self.stdout.write(self.style.SUCCESS(f"{total} rows rewritten."))
