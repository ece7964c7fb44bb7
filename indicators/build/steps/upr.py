"""UPR recommendations: the official list the city's tracker store is seeded from."""

from __future__ import annotations

from indicators.build.context import BuildContext
from indicators.build.steps.common import gap
from indicators.snapshot.read import SnapshotError
from indicators.sources import provenance


def upr(ctx: BuildContext) -> list[dict]:
    """UPR recommendations: the official list for the tracker's embedded default"""
    from indicators.sources import upr as upr_source

    if not ctx.offline:
        return [gap("upr", "UPR recommendations", "import them with `python -m indicators upr import FILE`")]
    file = ctx.path("upr.file")
    try:
        recs = upr_source.read_official_csv(file)
    except upr_source.UprFileError as exc:
        raise SnapshotError(f"{ctx.city.id}: {exc} (key 'upr.file'; switch the family off with 'enabled = false' "
                            f"under [upr])") from None
    ctx.add("upr_recommendations", recs)
    ctx.record_source("upr_recommendations", defaults=provenance.UPR,
                      vintage="3rd cycle: A/HRC/46/15 (2020) and Add.1 (2021)", inputs=[file], rows=len(recs),
                      caveats=[] if ctx.city.model.sources.get("upr_recommendations") else
                      ["Only the primary theme of each recommendation is available."])
    return []
