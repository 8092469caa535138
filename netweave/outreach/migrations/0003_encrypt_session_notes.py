"""Encrypt outreach session notes at rest (docs/security.md, "Encryption at rest")."""

from django.db import migrations

import netweave.core.crypto


class Migration(migrations.Migration):

    dependencies = [
        ("outreach", "0002_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outreachsession",
            name="notes",
            field=netweave.core.crypto.EncryptedTextField(blank=True, verbose_name="notes"),
        ),
        netweave.core.crypto.encrypt_rows_operation("outreach", {"outreachsession": ["notes"]}),
    ]
