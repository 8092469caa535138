"""`netweave createadmin`: an administrator account (the installation's back office)."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create an administrator. Reads the password from NETWEAVE_ADMIN_PASSWORD or a prompt."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, username: str, email: str, **opts: Any) -> None:
        import os

        users = get_user_model()
        if users.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        password = os.environ.get("NETWEAVE_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        try:
            validate_password(password, users(username=username))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        users.objects.create_superuser(username=username, email=email, password=password)
        self.stdout.write(self.style.SUCCESS(f"Administrator {username} created."))
