"""Audit rows for changes of an account's powers, whatever makes them.

The admin flag (`is_superuser`), back-office access (`is_staff`) and whether an account works
at all (`is_active`) are changed outside netweave's services: by `createadmin`, in the back
office (Django's user admin), from a shell. A signal is the one place that sees them all; it
reads the stored row before the save to know what changed. (Bulk `update()` bypasses signals:
nothing in netweave changes these flags that way.)
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save

FLAGS = ("is_superuser", "is_staff", "is_active")
_BEFORE = "_netweave_flags_before"


def _remember_flags(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    # Logins save last_login only: skip the extra read for them.
    if update_fields is not None and not set(FLAGS) & set(update_fields):
        return
    before = None
    if instance.pk is not None:
        before = sender.objects.filter(pk=instance.pk).values(*FLAGS).first()
    setattr(instance, _BEFORE, before)


def _audit_flags(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not hasattr(instance, _BEFORE):
        return
    from netweave.core.ledger import audit
    from netweave.core.origin import current

    before = getattr(instance, _BEFORE) or dict.fromkeys(FLAGS, False)
    delattr(instance, _BEFORE)
    changed = {f: getattr(instance, f) for f in FLAGS if before[f] != getattr(instance, f)}
    if created:
        # A new account is active by default: only the powers it starts with are news.
        changed = {f: v for f, v in changed.items() if f != "is_active"}
    if changed:
        audit(actor=current().user, action="account.flags", target=instance.get_username(),
              created=created, **changed)


def connect() -> None:
    user_model = get_user_model()
    pre_save.connect(_remember_flags, sender=user_model, dispatch_uid="netweave-flags-before")
    post_save.connect(_audit_flags, sender=user_model, dispatch_uid="netweave-flags-audit")
