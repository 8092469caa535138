from django.db import migrations


def load(apps, schema_editor):
    # Upserts by slug: installs that ran 0002 with the first twelve playbooks get the rest,
    # and every starter playbook gets the columns added since (min_stage).
    from netweave.work.catalog import sync

    sync(
        apps.get_model("networks", "NetworkKind"),
        apps.get_model("work", "Playbook"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("work", "0004_playbook_min_stage")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
