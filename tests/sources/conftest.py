"""The source loader tests use the HTTP session fixtures of ``tests/conftest.py``."""
