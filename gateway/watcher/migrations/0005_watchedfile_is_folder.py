from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("watcher", "0004_watchedfile_change_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="watchedfile",
            name="is_folder",
            field=models.BooleanField(default=False),
        ),
    ]
