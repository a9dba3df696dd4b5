from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("watcher", "0005_watchedfile_lost_scans"),
    ]

    operations = [
        migrations.AddField(
            model_name="watchedfile",
            name="is_folder",
            field=models.BooleanField(default=False),
        ),
    ]
