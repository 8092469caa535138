from django.db import migrations


def load(apps, schema_editor):
    from netweave.work.catalog import sync

    sync(
        apps.get_model("networks", "NetworkKind"),
        apps.get_model("work", "Playbook"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0001_initial"),
        ("networks", "0002_initial"),  # the kinds need their chapter column
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
