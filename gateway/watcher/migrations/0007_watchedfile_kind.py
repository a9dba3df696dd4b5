"""What a row's path is (``Kind``). Rows judged by their names were all shown as folders:
they start as folders, and the next pass, which looks at each again, corrects the links and
special files among them (``gateway.watcher.names``). The words of a held link or special
file still in view are now true of one held for where it points as well as for its name."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

OLD_UNMOVABLE = (
    "its name is held, but it is a symbolic link or a special file (a pipe, a socket, a "
    "device), which confide never moves; it stays in view until it is removed or renamed"
)
NEW_UNMOVABLE = (
    "it is held, but it is a symbolic link or a special file (a pipe, a socket, a device), "
    "which confide never moves; it stays in view until it is removed (or renamed, where "
    "only its name is held)"
)


def folders_first(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rows = apps.get_model("watcher", "WatchedFile").objects
    rows.filter(is_folder=True).update(kind="folder")
    rows.filter(problem=OLD_UNMOVABLE).update(problem=NEW_UNMOVABLE)


def back(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rows = apps.get_model("watcher", "WatchedFile").objects
    rows.filter(problem=NEW_UNMOVABLE).update(problem=OLD_UNMOVABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("watcher", "0006_watchedfile_is_folder"),
    ]

    operations = [
        migrations.AddField(
            model_name="watchedfile",
            name="kind",
            field=models.CharField(
                choices=[
                    ("file", "file"),
                    ("folder", "folder"),
                    ("link", "symbolic link"),
                    ("pipe", "pipe"),
                    ("socket", "socket"),
                    ("device", "device"),
                ],
                default="file",
                max_length=8,
            ),
        ),
        migrations.RunPython(folders_first, back),
    ]
