"""The name a file locked where it lies had before it was renamed to a neutral one beside it
(``locked_from``): a file held for its name kept that name in view while locked."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("watcher", "0008_watchedfile_copy_of"),
    ]

    operations = [
        migrations.AddField(
            model_name="watchedfile",
            name="locked_from",
            field=models.TextField(blank=True),
        ),
    ]
