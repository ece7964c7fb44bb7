"""Alembic migrations of the tracker store, run by :func:`indicators.tracker.db.migrate` on open."""
