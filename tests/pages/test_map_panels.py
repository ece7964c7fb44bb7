"""The map page's folded panels: its options and its table are made only while open (a first visit's browser
loads no code for them before it draws the map), and what a reader chose in the options stays chosen when the panel
is folded again."""

from __future__ import annotations

import json

from tests.pages.panels import MAP_OPTIONS, MAP_TABLE, legend, unfold


def deck_layers(at) -> list[dict]:
    (chart,) = at.get("deck_gl_json_chart")
    return json.loads(chart.proto.json)["layers"]


def test_a_first_visit_gets_the_map_without_its_options_or_its_table(deep_link):
    at = deep_link("app_pages/map.py")
    assert [e.label for e in at.expander if e.label in ("Map options", "The same figures as a table")] == [
        "Map options", "The same figures as a table"]
    assert not at.dataframe and not at.slider and not at.toggle
    assert "map_scheme" not in [r.key for r in at.radio]
    # the map as the options' defaults draw it: 0.8 opacity, the areas' names on it
    layers = deck_layers(at)
    assert layers[0]["opacity"] == 0.8 and [layer["@@type"] for layer in layers] == ["GeoJsonLayer", "TextLayer"]
    # the legend is HTML drawn by st.html; no Markdown on the page carries raw HTML
    assert "<strong>" in legend(at)
    assert not [m.value for m in at.markdown if m.proto.allow_html]


def test_the_options_chosen_stay_chosen_when_their_panel_is_folded(deep_link):
    at = unfold(deep_link("app_pages/map.py"), MAP_OPTIONS)
    assert at.slider(key="map_opacity").value == 0.8 and at.toggle(key="map_names").value is True
    at.slider(key="map_opacity").set_value(0.5)
    at.toggle(key="map_names").set_value(False)
    at.run()
    assert [layer["opacity"] for layer in deck_layers(at)] == [0.5]
    at.session_state[MAP_OPTIONS] = False   # folded, as a click on its heading folds it
    at.run()
    assert not at.slider and not at.toggle
    assert [layer["opacity"] for layer in deck_layers(at)] == [0.5]
    unfold(at, MAP_OPTIONS)                 # and open again: the widgets show what was chosen
    assert at.slider(key="map_opacity").value == 0.5 and at.toggle(key="map_names").value is False


def test_the_unfolded_table_is_the_csv_download_without_its_ids(deep_link):
    import io

    import pandas as pd

    from ui import data, state

    at = unfold(deep_link("app_pages/map.py"), MAP_TABLE)
    (table,) = at.dataframe
    city = data.cities()[0]
    indicator = state.default_indicator(city, "neighborhood")
    csv = pd.read_csv(io.BytesIO(data.indicator_csv(city, indicator, "neighborhood", None, "en")), encoding="utf-8-sig")
    assert list(table.value.columns) == [c for c in csv.columns if c not in ("area_id", "indicator_id")]
    assert list(table.value["Area"]) == list(csv["Area"]) and len(csv) == 90
    assert any("Rank 1 is the area where the figure is worst" in c.value for c in at.caption)
