"""The logbook's emergency releases and recorded breaches: an entry may have no held item,
no lawful reason and, until someone records it, no answer to "was the person told"; an entry
flagged for review records who reviewed it, when, and what they found."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0001_register"),
        ("relay", "0003_outcome_action_choices"),
        ("review", "0003_scan_record_subjects"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="logbookentry",
            options={
                "ordering": ("-flagged_for_review", "-decided_at", "-id"),
                "verbose_name_plural": "logbook entries",
            },
        ),
        migrations.AddField(
            model_name="logbookentry",
            name="flagged_for_review",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="logbookentry",
            name="reference",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="logbookentry",
            name="review_note",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="logbookentry",
            name="review_outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "not reviewed"),
                    ("justified", "confirmed: justified"),
                    ("breach", "recorded as a breach"),
                ],
                default="",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="logbookentry",
            name="reviewed_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="logbookentry",
            name="reviewed_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="logbookentry",
            name="who_decided",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="logbookentry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("exception", "released without consent as an exception"),
                    ("emergency", "released by its sender in an emergency (immediate danger)"),
                    ("breach", "a breach of confidentiality, recorded by a manager"),
                ],
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="logbookentry",
            name="lawful_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("risk", "risk of harm to the person or to others"),
                    ("abuse", "suspected abuse"),
                    ("crime", "prevention or detection of a crime"),
                    ("legal_duty", "a legal duty to disclose"),
                    ("capacity", "lack of mental capacity, in the person's best interests"),
                    ("missing_child", "a police enquiry about a missing child"),
                ],
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="logbookentry",
            name="outcome",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="logbook",
                to="relay.outcome",
            ),
        ),
        migrations.AlterField(
            model_name="logbookentry",
            name="person_told",
            field=models.BooleanField(null=True),
        ),
        migrations.AddIndex(
            model_name="logbookentry",
            index=models.Index(
                fields=["flagged_for_review", "decided_at"], name="review_logb_flagged_a68624_idx"
            ),
        ),
    ]
