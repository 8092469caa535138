"""A person's own data: forgetting (Person.forgotten_at), the retention setting, deletion requests."""

import django.db.models.deletion
import django.utils.timezone
import netweave.core.ids
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_audit_origin'),
        ('people', '0004_encrypt_sensitive_values'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='chaptersettings',
            name='retention_days',
            field=models.PositiveSmallIntegerField(default=365, help_text='Contacts who never did anything and whose follow-up never got past a first contact are forgotten this long after they came in (and after anyone last touched them). 0 keeps them.', verbose_name='days to keep contacts who never took a step'),
        ),
        migrations.AddField(
            model_name='person',
            name='forgotten_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='DeletionRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.CharField(default=netweave.core.ids.new_public_id, editable=False, max_length=16, unique=True)),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('status', models.CharField(choices=[('open', 'Waiting for an organizer'), ('done', 'Done: forgotten'), ('declined', 'Declined')], default='open', max_length=10)),
                ('handled_at', models.DateTimeField(blank=True, null=True)),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                ('chapter', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.chapter')),
                ('handled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deletion_requests', to='people.person')),
            ],
            options={
                'ordering': ['requested_at', 'id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('person',), name='one_open_deletion_request')],
            },
        ),
    ]
