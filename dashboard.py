"""Human rights city dashboard: the entry point (navigation, the shared sidebar, the header)."""

from pathlib import Path

import streamlit as st

from ui import data, state
from ui.i18n import _

HERE = Path(__file__).parent

state.seed_language()
# "auto": open beside the page on a wide screen, folded away on a phone, where it would cover the page
st.set_page_config(page_title=_("Human rights city dashboard"), page_icon=state.FAVICON, layout="wide",
                   initial_sidebar_state="auto")

# Less empty space above the page, and headings that fit a phone: a 2.75rem title of four lines would push the
# map out of a phone's first view. Fixed rules only (no reader text in this markup).
st.html("""<style>
[data-testid="stMainBlockContainer"] {padding-top: 3.5rem;}
/* a headline figure (ui.evidence.figure): label, figure and note, sized as Streamlit sizes a metric */
[class*="st-key-figure_"] [data-testid="stMarkdownContainer"] {margin-bottom: 0.5rem;}
[class*="st-key-figure_"] [data-testid="stMarkdownContainer"] p {margin: 0; font-size: 0.875rem;}
[class*="st-key-figure_"] [data-testid="stMarkdownContainer"] p:nth-child(2) {font-size: 2.25rem; line-height: 1.3;}
[class*="st-key-figure_"] [data-testid="stMarkdownContainer"] p:nth-child(3) {opacity: 0.7;}
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] {padding-top: 3rem; padding-left: 0.8rem; padding-right: 0.8rem;}
  [data-testid="stMain"] h1 {font-size: 1.55rem; line-height: 1.2;}
  [data-testid="stMain"] h2 {font-size: 1.3rem;}
  [data-testid="stMain"] h3 {font-size: 1.1rem;}
}
</style>""")  # i18n: not shown
if state.seed_language() != "en":
    # Streamlit's own English that cannot be set: the "Press Enter to apply" under a text box is hidden, and the
    # navigation's "View 5 more" / "View less" button says this page's words instead
    more = _("More or fewer pages")
    st.html('<style>[data-testid="InputInstructions"] {display: none;}'
            '[data-testid="stSidebarNavViewButton"] {font-size: 0 !important;}'
            f'[data-testid="stSidebarNavViewButton"]::after {{content: "{more}"; font-size: 0.875rem;}}'
            '</style>')  # i18n: not shown
cities = data.cities()
city = state.chosen_city(cities)

present = st.Page(HERE / "app_pages/present.py", title=_("Presentation mode"), url_path="present")
landing = st.Page(HERE / "app_pages/map.py", title=_("Map"), url_path="home", default=True)
campaign = st.Page(HERE / "app_pages/campaign.py", title=_("Campaigns"), url_path="campaign")
tell_us = st.Page(HERE / "app_pages/tell_us.py", title=_("Tell us"), url_path="tell-us")
pages = {
    _("Evidence"): [
        landing,
        st.Page(HERE / "app_pages/profile.py", title=state.profile_title(state.area_level(city)), url_path="profile"),
        st.Page(HERE / "app_pages/compare.py", title=_("Compare and rank"), url_path="compare"),
        st.Page(HERE / "app_pages/growth.py", title=_("Growth vs people"), url_path="growth"),
    ],
    _("UPR tracker"): [
        st.Page(HERE / "app_pages/upr_recommendations.py", title=_("Recommendations"), url_path="recommendations"),
        st.Page(HERE / "app_pages/upr_progress.py", title=_("Progress"), url_path="progress"),
        st.Page(HERE / "app_pages/upr_priorities.py", title=_("Local priorities"), url_path="priorities"),
        st.Page(HERE / "app_pages/upr_edit.py", title=_("Edit (sign in)"), url_path="edit"),
    ],
    _("About"): [
        present,
        st.Page(HERE / "app_pages/methods.py", title=_("Methods and sources"), url_path="methods"),
        # /map, what the navigation calls the landing page, opens the same page (a link may say either)
        st.Page(HERE / "app_pages/map.py", title=_("Map"), url_path="map", visibility="hidden"),
    ],
    # last, so the sidebar's own widgets stay where they were; the sidebar's foot links to Tell us
    _("Residents and the coalition"): [
        tell_us,
        campaign,
        st.Page(HERE / "app_pages/review.py", title=_("Review testimony (sign in)"), url_path="review"),
        st.Page(HERE / "app_pages/report_builder.py", title=_("Report builder (sign in)"), url_path="report"),
        st.Page(HERE / "app_pages/campaign_log.py", title=_("Campaign log (sign in)"), url_path="campaign-log"),
    ],
}
navigation = st.navigation(pages)

card = navigation.url_path == campaign.url_path and st.query_params.get("card") == "1"
if navigation.url_path == present.url_path or card:
    # a clean full-width view for projecting, or a campaign's card inside another site's page: no sidebar, no
    # navigation; the page keeps its own state in the URL
    state.keep_language()
else:
    state.language_selector()
    view = state.sidebar(cities)
    with st.sidebar:
        st.caption(_(
            "A **human rights city** judges its policies by people's rights — to housing, to equal treatment, to an "
            "adequate standard of living — not by growth alone. This dashboard maps the evidence by neighborhood, "
            "with margins of error, and tracks the city's progress on the UN Universal Periodic Review "
            "recommendations."))
        st.page_link(tell_us, label=_("Tell us what happens here"), icon=":material/record_voice_over:")
    state.unknown_city_notice(cities)

try:
    navigation.run()
finally:   # also where the page stops early or the reader's click starts it again
    state.FIRST_PAGE_SERVED.set()
