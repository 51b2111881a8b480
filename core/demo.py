"""The demo hook convention: ``<app>/demo.py`` defines

    def seed(*, users: dict[str, User], rng: random.Random, stdout) -> None

which must be idempotent (a second run adds nothing). ``manage.py seed_demo`` creates the staff
users and calls every app's hook in CASEWORKS_APPS order (cases before the apps that build on it).
"""
