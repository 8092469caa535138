"""The people list's order (name, then public id) as an index: the API's first page of a
scope is read in order from it instead of sorting every person in scope."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0005_privacy_forget_retention'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['display_name', 'public_id'], name='person_name_order'),
        ),
    ]
