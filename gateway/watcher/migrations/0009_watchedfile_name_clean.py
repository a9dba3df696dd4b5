"""Whether a file's name was scanned and held nothing (``name_clean``), so that the note left
in its place can name the file taken. Rows judged before have None, and their notes (already
written, recognised by their content) keep the words they were written with."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("watcher", "0008_watchedfile_copy_of"),
    ]

    operations = [
        migrations.AddField(
            model_name="watchedfile",
            name="name_clean",
            field=models.BooleanField(default=None, null=True),
        ),
    ]
