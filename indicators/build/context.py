"""What a build step is handed: the city config, where the raw files are, and what has been recorded so far."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from indicators.core.config import CityConfig
from indicators.snapshot.read import SnapshotError, sha256_file

#: metres: small enough to keep every street-block corner a resident recognises, large enough for a light map
SIMPLIFY_TOLERANCE = {"areas_neighborhoods": 12.0, "areas_tracts": 15.0, "areas_zips": 25.0}


@dataclass
class BuildContext:
    """What a build step needs: the config, where raw files are (offline) and what has been recorded."""

    city: CityConfig
    from_dir: Path | None
    progress: Callable[[str], None]
    sources: dict[str, dict] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: further area levels (``{"id": "ward", "label": "Wards"}``) the boundaries step found
    levels: list[dict] = field(default_factory=list)
    started: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))

    @property
    def offline(self) -> bool:
        return self.from_dir is not None

    def path(self, key: str) -> Path:
        """The raw file named by config ``key`` inside ``from_dir``; a missing file is a build error."""
        rel = self.city.get(key)
        if not rel:
            raise SnapshotError(f"{self.city.id}: config key '{key}' names no file")
        return self.file(rel, key)

    def file(self, rel: str, key: str) -> Path:
        """A raw file inside ``from_dir`` named by config ``key``; a missing file names the key and says how to
        switch the family off."""
        path = (self.from_dir / rel).resolve()
        if not path.exists():
            family = key.split(".")[0]
            raise SnapshotError(f"{self.city.id}: raw file for '{key}' not found: {rel} (put it in the --from-dir "
                                f"folder, or switch the family off with 'enabled = false' under [{family}])")
        return path

    def has(self, family: str) -> bool:
        """Whether the city config has a source family switched on."""
        return self.city.has(family)

    def record_source(self, source_id: str, *, vintage: str, defaults: dict | None = None,
                      inputs: list[Path] | None = None, rows: int | None = None, caveats: list[str] | None = None,
                      fill: dict | None = None) -> None:
        """Write a source into the manifest. Its title, publisher, licence, credit, address and standing caveats
        come from the city config's ``[sources.<source_id>]``, over the publisher module's ``defaults``
        (``{period}``-style fields filled from ``fill``); the build adds the vintage, the input files' checksums,
        the row count and the caveats it found (``caveats``)."""
        conf = self.city.model.sources.get(source_id)
        given = conf.model_dump(exclude_none=True) if conf is not None else {}
        merged = {**(defaults or {}), **{k: v for k, v in given.items() if v != []}}
        values = fill or {}
        for key in ("title", "publisher", "licence", "attribution"):
            if not merged.get(key):
                raise SnapshotError(f"{self.city.id}: key 'sources.{source_id}.{key}' is missing: say who published "
                                    f"this source and how to credit it in the city config")
        fmt = lambda text: text.format(**values) if values and isinstance(text, str) else text  # noqa: E731
        entry = {
            "id": source_id, "title": fmt(merged["title"]), "publisher": fmt(merged["publisher"]),
            "vintage": fmt(merged.get("vintage") or vintage), "licence": merged["licence"],
            "attribution": fmt(merged["attribution"]), "url": merged.get("url"), "retrieved_at": self.started,
            "retrieved_via": "publisher files" if self.offline else "live service", "rows": rows,
            "caveats": [fmt(c) for c in merged.get("caveats", [])] + list(caveats or []),
        }
        if inputs:
            entry["inputs"] = [{"file": p.name, "sha256": sha256_file(p), "bytes": p.stat().st_size} for p in inputs]
        self.sources[source_id] = entry

    def add(self, table: str, frame: pd.DataFrame) -> None:
        if frame.attrs.get("individual_records"):
            raise SnapshotError(f"refusing to write individual records into '{table}': aggregate them first")
        if table in self.tables and not isinstance(frame, gpd.GeoDataFrame):
            frame = pd.concat([self.tables[table], frame], ignore_index=True)
        self.tables[table] = frame
