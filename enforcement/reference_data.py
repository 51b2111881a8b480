"""The seeded remedy rules, restored after a flush (see core.reference_data)."""

from enforcement.rules_seed import seed_rows


def ensure(*, using: str) -> None:
    from enforcement.models import RemedyRule

    for row in seed_rows():
        RemedyRule.objects.using(using).get_or_create(
            remedy=row["remedy"], jurisdiction=row["jurisdiction"], version=row["version"], defaults=row
        )
