"""The audit log learns where each action came from (core/origin.py), and is indexed for the
organizers' audit log page by chapter and date."""

import netweave.core.origin
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0007_contribution_resource_engaged'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='ip_address',
            field=models.GenericIPAddressField(blank=True, default=netweave.core.origin.current_ip_address, null=True),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='user_agent',
            field=models.CharField(blank=True, default=netweave.core.origin.current_user_agent, max_length=255),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='via',
            field=models.CharField(default=netweave.core.origin.current_via, max_length=12),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['chapter', 'at'], name='core_audite_chapter_117fb1_idx'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['chapter', 'action', 'at'], name='core_audite_chapter_602863_idx'),
        ),
    ]
