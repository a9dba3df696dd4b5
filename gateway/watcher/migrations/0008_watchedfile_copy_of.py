"""Which file a copy of the watcher's was written for (``copy_of``): a redacted copy beside a
file was taken to be its own whenever its content matched, so a duplicate of a redacted file
in the same folder got no copy of its own. Copies written before have no link: an original
still waiting to be moved when this is applied gets a second copy, never none."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("watcher", "0007_watchedfile_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="watchedfile",
            name="copy_of",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="copies",
                to="watcher.watchedfile",
            ),
        ),
    ]
