"""The search box finds a payment by its reference through ``reference_key`` (the unique
constraint's index leads with it), so the index on ``UPPER(source_reference)`` goes; the receipts
0034 left unkeyed (a repeat of one sender's reference in another case) are found by their text in
a partial index of them alone."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0034_collection_sender_reference"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="collection",
            name="collection_reference_upper_idx",
        ),
        migrations.AddIndex(
            model_name="collection",
            index=models.Index(
                django.db.models.functions.text.Upper("source_reference"),
                condition=models.Q(("reference_key__isnull", True)),
                name="collection_unkeyed_ref_idx",
            ),
        ),
    ]
