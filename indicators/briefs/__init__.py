"""Printed briefs for council meetings: a neighborhood brief and a progress brief of a priority list, each as a
PDF handout (reportlab) and a slide deck (python-pptx), in English or Spanish, drawn without a browser; and the
reports a coalition compiles (a stakeholder submission to the UN, a local report to officials) as Word documents
(python-docx) and PDFs.

- :mod:`indicators.briefs.content` gathers the figures from the snapshot and the tracker store into plain records;
- :mod:`indicators.briefs.staticmap` draws the locator map and the charts with matplotlib (Agg);
- :mod:`indicators.briefs.pdf` and :mod:`indicators.briefs.slides` lay them out;
- :mod:`indicators.briefs.report` compiles a report from a saved draft; :mod:`indicators.briefs.word` and
  :mod:`indicators.briefs.pdf_report` write it;
- :mod:`indicators.cli.brief` adds ``python -m indicators brief``.

No Streamlit here: the app's download buttons are in ``ui/briefs.py``.
"""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indicators.briefs.content import NeighborhoodBrief, ProgressBrief

#: what this package gives from :mod:`indicators.briefs.content`, imported when first asked for: a page that only
#: names a brief's file (``file_stem``) need not load the tracker's store and the figures' code
FROM_CONTENT = ("NeighborhoodBrief", "ProgressBrief", "neighborhood_brief", "open_store", "progress_brief")


def __getattr__(name: str):
    if name in FROM_CONTENT:
        return getattr(importlib.import_module("indicators.briefs.content"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def neighborhood_pdf(brief: "NeighborhoodBrief") -> bytes:
    from indicators.briefs.pdf import neighborhood_pdf as build

    return build(brief)


def neighborhood_pptx(brief: "NeighborhoodBrief") -> bytes:
    from indicators.briefs.slides import neighborhood_pptx as build

    return build(brief)


def progress_pdf(brief: "ProgressBrief") -> bytes:
    from indicators.briefs.pdf import progress_pdf as build

    return build(brief)


def progress_pptx(brief: "ProgressBrief") -> bytes:
    from indicators.briefs.slides import progress_pptx as build

    return build(brief)


def file_stem(*parts: str) -> str:
    """A safe file name from any text: letters, digits and dashes only."""
    joined = "-".join(re.sub(r"[^A-Za-z0-9]+", "-", p).strip("-").lower() for p in parts if p)
    return joined[:120] or "brief"


def report_docx(report) -> bytes:
    """A compiled report (:func:`indicators.briefs.report.build_report`) as a Word document."""
    from indicators.briefs.word import report_docx as build

    return build(report)


def report_pdf(report) -> bytes:
    """A compiled report as a PDF."""
    from indicators.briefs.pdf_report import report_pdf as build

    return build(report)
