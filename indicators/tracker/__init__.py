"""The UPR recommendation tracker: which recommendations matter here, what the city claims, what the
community sees, and the evidence, with every version kept.

- :mod:`~indicators.tracker.store`: the store API every page and command uses (role-checked writes)
- :mod:`~indicators.tracker.importer`: reading official and plain recommendation lists, seeding
- :mod:`~indicators.tracker.progress`: tables for the public views and safe CSV export
- :mod:`~indicators.tracker.auth`: roles, bcrypt checks, the sign-in rate limiter
- :mod:`~indicators.tracker.models` and ``migrations/``: the schema (SQLite or PostgreSQL)
"""
