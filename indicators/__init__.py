"""People-centered indicators for human rights cities.

A plain Python library: loaders for public sources (``indicators.sources``), the city snapshot
(``indicators.snapshot``), geography, margin-of-error arithmetic, indicator functions and the
UPR tracker store. Nothing in this package imports Streamlit.
"""

__version__ = "0.1.0"
