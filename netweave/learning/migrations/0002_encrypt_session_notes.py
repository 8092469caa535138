"""Encrypt discussion session notes at rest (docs/security.md, "Encryption at rest")."""

from django.db import migrations

import netweave.core.crypto


class Migration(migrations.Migration):

    dependencies = [
        ("learning", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="discussionsession",
            name="notes",
            field=netweave.core.crypto.EncryptedTextField(blank=True, verbose_name="notes"),
        ),
        netweave.core.crypto.encrypt_rows_operation(
            "learning", {"discussionsession": ["notes"]}
        ),
    ]
