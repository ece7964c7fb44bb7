"""Cached access to the snapshot and the library for the pages: the only place pages get data from.

Everything here wraps a library call in ``st.cache_resource`` (the opened snapshot, shared by all sessions)
or ``st.cache_data`` (computed frames, keyed by their arguments).
"""

from __future__ import annotations

import json
import os

import pandas as pd
import streamlit as st

from indicators import catalog, compute
from indicators.config import available_cities, load_city
from indicators.snapshot import Snapshot, SnapshotError, default_snapshot_dir, open_snapshot


def snapshot_path(city: str) -> str:
    return os.environ.get("HRC_SNAPSHOT_DIR") or str(default_snapshot_dir(city))


@st.cache_resource(show_spinner=False)
def snapshot(city: str) -> Snapshot:
    return open_snapshot(snapshot_path(city))


def cities() -> list[str]:
    return [c for c in available_cities() if (default_snapshot_dir(c) / "manifest.json").exists()] or available_cities()


@st.cache_data(show_spinner=False, max_entries=256)
def indicator(city: str, indicator_id: str, level: str) -> pd.DataFrame:
    """The indicator at ``level``; on the map's tract lines for tracts. Raises NotAvailable."""
    snap = snapshot(city)
    out = compute.compute(snap, indicator_id, level)
    if level == "tract":
        out = compute.on_map_tracts(out, snap, indicator_id)
    return out


@st.cache_data(show_spinner=False, max_entries=256)
def city_value(city: str, indicator_id: str):
    value = compute.city_value(snapshot(city), indicator_id)
    return None if value is None else value.to_dict()


@st.cache_data(show_spinner=False)
def areas(city: str, level: str):
    """Area polygons for a level as a GeoDataFrame (area_id, name, geometry)."""
    snap = snapshot(city)
    table = {"neighborhood": "areas_neighborhoods", "tract": "areas_tracts", "zip": "areas_zips"}[level]
    frame = snap.table(table)
    if level == "tract":
        frame = frame[frame["in_city"] > 0]
    return frame[["area_id", "name", "geometry"]]


@st.cache_data(show_spinner=False)
def neighborhoods(city: str) -> list[str]:
    return sorted(snapshot(city).table("areas_neighborhoods")["area_id"].tolist())


@st.cache_data(show_spinner=False)
def table(city: str, name: str) -> pd.DataFrame:
    frame = snapshot(city).table(name)
    return pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))


@st.cache_data(show_spinner=False)
def geojson(city: str, name: str) -> str:
    return snapshot(city).table(name).to_json(drop_id=True)


def manifest(city: str) -> dict:
    return snapshot(city).manifest


def city_name(city: str) -> str:
    try:
        return load_city(city).name
    except Exception:
        return city.title()


def open_or_explain(city: str) -> Snapshot | None:
    """The snapshot, or a clear message on the page (and None) when it cannot be opened."""
    try:
        return snapshot(city)
    except SnapshotError as exc:
        st.error(f"The data snapshot for {city} cannot be opened: {exc}")
        return None


def indicators_for(level: str):
    return catalog.available(level)
