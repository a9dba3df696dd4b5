from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("watcher", "0002_watchedfile_owner_uid"),
    ]

    operations = [
        migrations.AddField(
            model_name="watchedfile",
            name="owner_gid",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="watchedfile",
            name="file_mode",
            field=models.PositiveIntegerField(null=True),
        ),
    ]
