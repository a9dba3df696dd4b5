from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("watcher", "0004_watchedfile_change_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="watchedfile",
            name="lost_scans",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
