"""Encrypt task notes and report notes at rest (docs/security.md, "Encryption at rest")."""

from django.db import migrations

import netweave.core.crypto


class Migration(migrations.Migration):

    dependencies = [
        ("work", "0005_more_ways_in"),
    ]

    operations = [
        migrations.AlterField(
            model_name="task",
            name="note",
            field=netweave.core.crypto.EncryptedTextField(blank=True, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="task",
            name="report_note",
            field=netweave.core.crypto.EncryptedTextField(blank=True),
        ),
        netweave.core.crypto.encrypt_rows_operation("work", {"task": ["note", "report_note"]}),
    ]
