"""What the landing page's elements cost in the browser: ``python bench/budget.py [--runs N]``.

Computes the landing page's default view (the default city, its first map level, its headline measure, in English,
on a desktop) with the dashboard's own library from the real snapshot, and writes the values to
``bench/results/landing_values.json``. Then launches, cold and in turn as ``render.py`` does (rotating order, one
launch of each first that is not counted), ``apps/landing_from_memory.py`` — the page's elements drawn from those
values, with nothing imported but Streamlit — whole and with one part left out at a time, against the one-polygon
floor (``apps/floor_map.py``) and the text-only floor (``apps/floor_text.py``). It prints each variant's median
time to *rendered* and its ratio to the map floor's, and to *first content* and its ratio to the text floor's
(medians and ranges over the rounds).

What it shows: the part of the landing page's cold render that its elements cost in the browser, whatever the
server does, and which of them cost most. Not part of ``run.py``: it explains a figure, it is not one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import APPS, RESULTS, compile_project, median, stop_everything  # noqa: E402
from render import APP_SPECS, App, measure, paired_ratios  # noqa: E402

VARIANTS = {"whole": "", "no_choices": "choices", "no_names": "names", "no_search": "search",
            "no_downloads": "downloads", "no_navigation": "navigation", "map_only": "all_but_the_map"}
#: what a variant leaves out, in words
LEFT_OUT = {"whole": "nothing (every element of the page)", "no_choices": "the sidebar's four choices",
            "no_names": "the names' layer of the map", "no_search": "the search form",
            "no_downloads": "the two folded panels and the three downloads",
            "no_navigation": "the sidebar's list of pages",
            "map_only": "all but the settings, title, caption and map"}


def landing_values() -> dict:
    """The landing page's default view, computed as ``app_pages/map.py`` and ``dashboard.py`` compute it, in
    English on a desktop; the texts are the page's own messages through the same translator."""
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)   # cached functions called outside a page say so

    from indicators.core.i18n import translator
    from indicators.metrics import catalog
    from indicators.metrics.text import Words
    from ui import data, mapview, state

    say, fmt = translator("en"), Words("en")
    cities = data.cities()
    city = cities[0]
    level = data.levels(city)[0]
    ind = catalog.get(state.default_indicator(city, level), "en")
    result = data.indicator(city, ind.id, level, None)
    period = fmt.period(result["period"].iloc[0])
    areas = data.areas(city, level)
    with_figure = result.loc[result["area_id"].isin(areas["area_id"]) & result["estimate"].notna(), "area_id"].nunique()
    frame, breaks, colours = data.map_view(city, ind.id, level, None, "quantiles", "en")
    deck = data.map_deck(city, ind.id, level, None, "quantiles", "en", opacity=0.8, streets=False, names_on=True,
                         phone=False)
    style = (HERE.parent / "dashboard.py").read_text()
    style = style[style.index('st.html("""') + len('st.html("""'):]
    caveats = [fmt.escape_markdown(c) for c in ind.caveats]
    texts = {
        "page_title": say("Human rights city dashboard"), "page_icon": state.FAVICON,
        "title": say("{city}: {indicator} ({period})", city=data.city_name(city), indicator=ind.title, period=period),
        "meaning": fmt.escape_markdown(ind.meaning),
        "find": say("Find where you live"),
        "find_placeholder": say("Address or {area}", area=data.area_word(level).lower()),
        "find_help": say("An address (with its house number) is looked up by the Census Bureau's geocoder and then "
                         "forgotten: it is not saved, logged or put in the page's address. A name is searched here, "
                         "without a connection."),
        "find_button": say("Find"),
        "no_city_figure": say("No figure for the whole city is published for this measure."),
        "areas_figure": "\n\n".join([say("Areas with a figure"),
                                     say("{shown} of {total}", shown=int(with_figure), total=len(areas))]),
        "right": say("**Right:** {right}  \n**Why it matters:** {framing}", right=fmt.escape_markdown(ind.right),
                     framing=fmt.escape_markdown(ind.framing)),
        "options": say("Map options"),
        "sources": say("Tap or click an area for its figure and its profile. Sources: {sources} — see Methods and "
                       "sources.", sources=fmt.escape_markdown(data.source_titles(city, result["source_ids"].iloc[0]))),
        "caveats": (say("Caveats of these figures:") + "  \n" + f"**{fmt.escape_markdown(ind.title)}**: "
                    + " ".join(caveats)) if caveats else "",
        "table": say("The same figures as a table"),
        "downloads": [[say("Download this map (PNG)"), "image/png"], [say("Download this table (CSV)"), "text/csv"],
                      [say("Download the map (GeoJSON)"), "application/geo+json"]],
        "city": say("City"), "level": say("Show figures by"), "indicator": say("Indicator"),
        "about": say("A **human rights city** judges its policies by people's rights — to housing, to equal "
                     "treatment, to an adequate standard of living — not by growth alone. This dashboard maps the "
                     "evidence by neighborhood, with margins of error, and tracks the city's progress on the UN "
                     "Universal Periodic Review recommendations."),
        "tell_us": say("Tell us what happens here"),
    }
    pages = {
        say("Evidence"): [(say("Map"), "home"), (say(state.PROFILE_TITLES.get(level, state.AREA_PROFILE)), "profile"),
                          (say("Compare and rank"), "compare"), (say("Growth vs people"), "growth")],
        say("UPR tracker"): [(say("Recommendations"), "recommendations"), (say("Progress"), "progress"),
                             (say("Local priorities"), "priorities"), (say("Edit (sign in)"), "edit")],
        say("About"): [(say("Presentation mode"), "present"), (say("Methods and sources"), "methods")],
        say("Residents and the coalition"): [
            (say("Tell us"), "tell-us"), (say("Campaigns"), "campaign"),
            (say("Review testimony (sign in)"), "review"), (say("Report builder (sign in)"), "report"),
            (say("Campaign log (sign in)"), "campaign-log")],
    }
    return {
        "texts": texts, "pages": pages, "style": style[:style.index('""")')],
        "city_names": {c: data.city_name(c) for c in cities},
        "level_labels": {lv: data.level_label(city, lv) for lv in data.levels(city)},
        "indicator_titles": {i.id: catalog.get(i.id, "en").title for i in data.indicators_for(city, level)},
        "indicator": ind.id,
        "legend": mapview.legend_html(f"{ind.title} ({period})",
                                      mapview.legend_rows(ind, breaks, colours, frame["estimate"].min())),
        "deck": deck.to_json(), "tooltip": deck._tooltip,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds of launches (default 5)")
    args = parser.parse_args()
    compile_project()   # the dashboard as installed, as run.py measures it
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "landing_values.json").write_text(json.dumps(landing_values()))
    for name, leave_out in VARIANTS.items():
        # first content: the title and the first figure, as the dashboard's; the title alone where there is none
        first = APP_SPECS["floor_map" if name == "map_only" else "dashboard"].first
        APP_SPECS[name] = App(name, APPS / "landing_from_memory.py", first, True, name,
                              env={"BUDGET_LEAVE_OUT": leave_out})
    names = [*VARIANTS, "floor_map", "floor_text"]
    try:
        results = measure(names, args.runs)
    finally:
        stop_everything()
    failed = {name: sorted({r["error"] for r in runs if r["error"]}) for name, runs in results.items()}
    floors = {"floor_map": "the floor: one polygon", "floor_text": "the floor: text only"}
    print(f"\n{'variant':13s} {'left out':46s} {'rendered':>8s} {'÷ map floor':>19s} {'first content':>13s} "
          f"{'÷ text floor':>19s}")
    for name in names:
        ok = [r for r in results[name] if not r["error"]]
        if not ok:
            print(f"{name:13s} failed: {'; '.join(failed[name])}")
            continue
        line = f"{name:13s} {LEFT_OUT.get(name) or floors[name]:46s}"
        for key, floor, shown in (("rendered", "floor_map", name != "floor_text"), ("first", "floor_text", True)):
            line += f" {median(r[key] for r in ok):7.2f}s" if shown else " " * 9
            ratios = paired_ratios(results, name, floor, key) if name not in floors else []
            line += f" {median(ratios):5.2f}× ({min(ratios):.2f}–{max(ratios):.2f})" if ratios else " " * 19
        print(line + (f"  errors: {failed[name]}" if failed[name] else ""))


if __name__ == "__main__":
    main()
