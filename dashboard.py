"""Human rights city dashboard: the entry point (navigation, the shared sidebar, the header)."""

from pathlib import Path

import streamlit as st

from ui import data, state

HERE = Path(__file__).parent

st.set_page_config(page_title="Human rights city dashboard", page_icon="⚖️", layout="wide",
                   initial_sidebar_state="expanded")

pages = {
    "Evidence": [
        st.Page(HERE / "app_pages/map.py", title="Map", url_path="map", default=True),
        st.Page(HERE / "app_pages/profile.py", title="Neighborhood profile", url_path="profile"),
        st.Page(HERE / "app_pages/compare.py", title="Compare and rank", url_path="compare"),
        st.Page(HERE / "app_pages/growth.py", title="Growth vs people", url_path="growth"),
    ],
    "UPR tracker": [
        st.Page(HERE / "app_pages/upr_recommendations.py", title="Recommendations", url_path="recommendations"),
        st.Page(HERE / "app_pages/upr_progress.py", title="Progress", url_path="progress"),
        st.Page(HERE / "app_pages/upr_priorities.py", title="Local priorities", url_path="priorities"),
        st.Page(HERE / "app_pages/upr_edit.py", title="Edit (sign in)", url_path="edit"),
    ],
    "About": [
        st.Page(HERE / "app_pages/methods.py", title="Methods and sources", url_path="methods"),
    ],
}
navigation = st.navigation(pages)

cities = data.cities()
view = state.sidebar(cities)
with st.sidebar:
    st.caption(
        "A **human rights city** judges its policies by people's rights — to housing, to equal treatment, to an "
        "adequate standard of living — not by growth alone. This dashboard maps the evidence by neighborhood, "
        "with margins of error, and tracks the city's progress on the UN Universal Periodic Review recommendations.")

navigation.run()
