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
    started: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))

    @property
    def offline(self) -> bool:
        return self.from_dir is not None

    def path(self, key: str) -> Path:
        """The raw file named by config ``key`` inside ``from_dir``; a missing file is a build error."""
        rel = self.city.get(key)
        if not rel:
            raise SnapshotError(f"{self.city.id}: config key '{key}' names no file")
        path = (self.from_dir / rel).resolve()
        if not path.exists():
            raise SnapshotError(f"{self.city.id}: raw file for '{key}' not found: {rel}")
        return path

    def record_source(self, source_id: str, *, title: str, publisher: str, vintage: str, licence: str,
                      attribution: str, url: str | None = None, inputs: list[Path] | None = None,
                      rows: int | None = None, caveats: list[str] | None = None) -> None:
        entry = {
            "id": source_id, "title": title, "publisher": publisher, "vintage": vintage, "licence": licence,
            "attribution": attribution, "url": url, "retrieved_at": self.started,
            "retrieved_via": "publisher files" if self.offline else "live service", "rows": rows,
            "caveats": caveats or [],
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
