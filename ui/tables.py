"""Every interactive table of the app goes through :func:`dataframe` (pages never call ``st.dataframe``).

A table's toolbar can download it as CSV and copy its cells for a spreadsheet, which would take text such as
``=HYPERLINK(…)`` for a formula. The app turns that export off (``client.disableDataExport`` in
``.streamlit/config.toml``) and offers its own download buttons, which neutralise formulas
(:func:`indicators.core.exports.to_csv_bytes`). Should a deployment turn the export back on, each table hands
the toolbar a frame whose columns carry the headings the reader sees (not the frame's internal column names) and
whose formula-like text is neutralised the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from indicators.core.exports import neutralise_formula

EXPORT_OPTION = "client.disableDataExport"


def export_disabled() -> bool:
    """Whether tables offer no download or copy of their own (the app's setting)."""
    try:
        return bool(st.get_option(EXPORT_OPTION))
    except Exception:  # an older Streamlit without the option: its tables always export
        return False


def _label(spec: object) -> str | None:
    if isinstance(spec, str):
        return spec
    if isinstance(spec, Mapping):
        label = spec.get("label")
        return label if isinstance(label, str) and label else None
    return None


def with_headings(frame: pd.DataFrame, column_config: Mapping | None = None, column_order=None
                  ) -> tuple[pd.DataFrame, dict | None, list | None]:
    """``frame`` with each column named by the heading its ``column_config`` gives it (columns configured as
    ``None`` are left out), and the configuration and order keyed by those headings."""
    if not column_config:
        return frame, None, list(column_order) if column_order is not None else None
    renames, config = {}, {}
    taken = {str(c) for c in frame.columns}
    for column, spec in column_config.items():
        if spec is None:
            frame = frame.drop(columns=[column], errors="ignore")
            continue
        label = _label(spec)
        if column in frame.columns and label and label != column and label not in taken:
            renames[column] = label
            taken.add(label)
        key = renames.get(column, column)
        if isinstance(spec, Mapping):
            spec = {k: v for k, v in spec.items() if not (k == "label" and key == label)}
        config[key] = None if isinstance(spec, str) and key == spec else spec
    frame = frame.rename(columns=renames)
    order = [renames.get(c, c) for c in column_order] if column_order is not None else None
    return frame, {k: v for k, v in config.items() if v is not None} or None, order


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names a spreadsheet cannot run as formulas; numbers, dates and other
    values unchanged."""
    safe = frame.copy()
    safe.columns = [neutralise_formula(c) if isinstance(c, str) else c for c in safe.columns]
    for column in safe.columns:
        values = safe[column]
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            safe[column] = values.map(_safe_cell)
    return safe


def _safe_cell(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return type(value)(neutralise_formula(v) for v in value)
    return neutralise_formula(value)


def dataframe(data, *, column_config: Mapping | None = None, column_order=None, **kwargs):
    """``st.dataframe`` (same arguments and return value); wherever the table's own export is on, its columns
    are named by their headings and its formula-like text is neutralised. An empty cell shows "—" (Streamlit
    writes "None", in English whatever the reader's language), unless ``placeholder`` says otherwise."""
    kwargs.setdefault("placeholder", "—")
    if not export_disabled():
        frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
        frame, column_config, column_order = with_headings(frame, column_config, column_order)
        data = spreadsheet_safe(frame)
    return st.dataframe(data, column_config=column_config, column_order=column_order, **kwargs)
