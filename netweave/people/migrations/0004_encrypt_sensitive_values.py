"""Encrypt contact values and person notes at rest (docs/security.md, "Encryption at rest")."""

from django.db import migrations

import netweave.core.crypto


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0003_ladder_followup_links"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contactchannel",
            name="value",
            field=netweave.core.crypto.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="person",
            name="notes",
            field=netweave.core.crypto.EncryptedTextField(blank=True, verbose_name="notes"),
        ),
        netweave.core.crypto.encrypt_rows_operation(
            "people", {"contactchannel": ["value"], "person": ["notes"]}
        ),
    ]
