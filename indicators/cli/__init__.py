"""One command line, ``python -m indicators``: build, check, schema, sources, translations, brief, upr."""

from indicators.cli.main import main

__all__ = ["main"]
