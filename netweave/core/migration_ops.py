"""Migration operations the generated ones cannot express cheaply.

Turning `db_index` off on a foreign key is, for Django's SQLite backend, a rebuild of the whole
table (copy every row, create every index again): ten minutes for a ledger of five million
entries. All that changes is one index going away, so the migrations that do it keep Django's
AlterField for the model state and only drop the index in the database
(`SeparateDatabaseAndState`), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def drop_field_indexes(app_label: str, model_name: str, *fields: str) -> migrations.RunPython:
    """Drops the index Django made for each of the model's `fields` (`db_index=True`, the
    default of a foreign key): the one on that column alone, named `<table>_<column>_<hash>`."""

    def columns(apps: Any) -> tuple[Any, list[Any]]:
        model = apps.get_model(app_label, model_name)
        return model, [model._meta.get_field(name) for name in fields]

    def forwards(apps: Any, schema_editor: Any) -> None:
        model, wanted = columns(apps)
        table = model._meta.db_table
        with schema_editor.connection.cursor() as cursor:
            found = schema_editor.connection.introspection.get_constraints(cursor, table)
        for field in wanted:
            for name, info in found.items():
                if (info["index"] and not info["unique"] and info["columns"] == [field.column]
                        and name.startswith(f"{table}_{field.column}_")):
                    schema_editor.execute(schema_editor._delete_index_sql(model, name))

    def backwards(apps: Any, schema_editor: Any) -> None:
        model, wanted = columns(apps)
        for field in wanted:
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))

    return migrations.RunPython(forwards, backwards)
