"""The steps of a snapshot build, one per family of sources, in order.

Each step reads its sources (publisher files with ``--from-dir``, the live services otherwise), turns them
into snapshot tables with ``ctx.add``, records each source in the manifest with ``ctx.record_source``, and
returns what the snapshot lacks (``{"family", "what", "why"}``) so the app can say so. Every family but the
boundaries is optional: a city config without it (or with ``enabled = false``) gets one "missing" entry.
"""

from __future__ import annotations

from indicators.build.steps.acs import acs, deprivation
from indicators.build.steps.boundaries import boundaries
from indicators.build.steps.evictions import evictions
from indicators.build.steps.housing import housing
from indicators.build.steps.neighborhoods import neighborhood_profiles
from indicators.build.steps.policing import policing
from indicators.build.steps.upr import upr

#: (family, step); the family names the config table that switches it on
STEPS = [("boundaries", boundaries), ("acs", acs), ("deprivation", deprivation),
         ("neighborhood_profiles", neighborhood_profiles), ("evictions", evictions), ("housing", housing),
         ("policing", policing), ("upr", upr)]
