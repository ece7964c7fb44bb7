"""The Evidence pages (map, profile, compare, growth, methods) opened with ``?lang=es`` run headless (Streamlit
AppTest) on the committed Pittsburgh snapshot: their words are Spanish, their figures are the same as in English,
and no English label of theirs is left on the page.

The figures checked here are the ones tests/pages/test_pages_apptest.py checks in English (the arithmetic from the
publishers' files is in its comments); here they must read the same under Spanish headings.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.metrics import catalog, compute
from indicators.core import i18n
from indicators.metrics.text import Words
from tests.pages.figures import figures
from tests.pages.panels import MAP_OPTIONS, MAP_TABLE, legend, unfold, unfold_chart_tables

ROOT = Path(__file__).resolve().parents[2]
HOOD = "Bloomfield"
es = Words("es")
EVIDENCE_FILES = ("app_pages/map.py", "app_pages/profile.py", "app_pages/compare.py", "app_pages/growth.py",
                  "app_pages/methods.py", "ui/mapview.py", "ui/charts.py", "ui/data.py")


@pytest.fixture
def open_spanish(deep_link):
    """Open a page with ``?lang=es`` and further query parameters, as a shared link would."""
    return lambda page, **params: deep_link(page, lang="es", **params)


def english_labels() -> set[str]:
    """The Evidence pages' own English messages (without placeholders) whose Spanish differs: none of them may be
    shown whole as a heading, label or column heading on a Spanish page."""
    _ = i18n.translator("es")
    return {msgid for msgid, where in i18n.extract(ROOT).items()
            if any(w.startswith(EVIDENCE_FILES) for w in where)
            and not any(name for _lit, name, _spec, _conv in string.Formatter().parse(msgid))
            and _(msgid) != msgid}


def shown_labels(at: AppTest) -> set[str]:
    """Headings, metric labels, widget and button labels, expander labels and every table's column headings."""
    labels = {e.value for kind in (at.title, at.header, at.subheader) for e in kind}
    labels |= {m.label for m in at.metric} | set(figures(at))
    labels |= {w.label for kind in (at.radio, at.selectbox, at.multiselect, at.toggle, at.slider) for w in kind}
    labels |= {e.proto.label for e in at.expander} | {b.proto.label for b in at.get("download_button")}
    for table in [*at.dataframe, *at.table]:
        labels |= {str(c).replace("\\", "") for c in table.value.columns}
    return labels


def assert_no_english_label(at: AppTest) -> None:
    left = shown_labels(at) & english_labels()
    assert not left, f"English labels on a Spanish page: {sorted(left)}"


def test_map_in_spanish(open_spanish):
    at = unfold(open_spanish("app_pages/map.py", indicator="rent_burden_share"), MAP_OPTIONS, MAP_TABLE)
    title = catalog.get("rent_burden_share", "es").title
    assert title != catalog.get("rent_burden_share").title
    assert [t.value for t in at.title] == [f"Pittsburgh: {title} (2020–2024)"]
    assert figures(at) == {"Toda la ciudad (2020–2024)": ["45.3%", "Margen de error al 90%: ± 1.8 puntos"],
                           "Zonas con cifra": ["90 de 90"]}
    assert at.radio(key="map_scheme").options == ["Cuantiles (igual número de zonas)", "Cortes naturales (Fisher–Jenks)"]
    shown = legend(at)
    assert f"<strong>{title} (2020–2024)</strong>" in shown
    assert es.escape("estimación poco confiable (CV > 30%)") in shown and "<span>sin cifra</span>" in shown
    table = at.dataframe[0].value
    # the table is what the CSV download holds (with the ids): its headings are Spanish too
    assert list(table.columns) == ["Zona", "Indicador", "Estimación", "Margen de error (90%)", "Unidad", "Etiqueta",
                                   "Confiabilidad", "Posición (1 = peor)", "Rango de posiciones (90%)",
                                   "Nota sobre la posición", "Comparado con la ciudad", "Cifra de", "Período",
                                   "Fuente", "Versión", "Nota"]
    assert set(table["Confiabilidad"]) <= {"confiable (CV inferior al 15%)", "usar con cautela (CV 15–30%)",
                                           "poco confiable"}
    assert set(table["Unidad"]) == {"porcentaje"}
    assert [b.proto.label for b in at.get("download_button")] == ["Descargar este mapa (PNG)",
                                                                  "Descargar esta tabla (CSV)",
                                                                  "Descargar el mapa (GeoJSON)"]
    assert any(c.value.startswith("Toque o haga clic en una zona para ver su cifra y su perfil. Fuentes:")
               for c in at.caption)
    assert_no_english_label(at)


def test_map_legend_of_a_flag_indicator_in_spanish(open_spanish):
    at = open_spanish("app_pages/map.py", level="tract", indicator="displacement_vulnerability")
    shown = legend(at)
    for words in ("no vulnerable", "vulnerable", "indeterminado"):
        assert f"<span>{words}</span>" in shown
    assert_no_english_label(at)


def test_profile_in_spanish(open_spanish, snapshot):
    at = open_spanish("app_pages/profile.py", hood=HOOD)
    assert [t.value for t in at.title] == ["Perfil del barrio"]
    headings = [h.value for h in at.header]
    topics = catalog.topics("es")
    assert headings.index(topics["stability"]) < headings.index("Cambio a lo largo del tiempo") < headings.index(
        "Recomendaciones del EPU sobre este tema")
    ind = catalog.get("renter_share", "es")
    rows = {r["Indicador"]: r for t in at.table if "Indicador" in t.value.columns for r in t.value.to_dict("records")}
    row = rows[es.escape_markdown(ind.title)]
    value = compute.compute(snapshot, ind.id, "neighborhood").set_index("area_id").loc[HOOD]
    assert row[HOOD] == es.escape_markdown(es.value_with_margin(ind, value["estimate"], value["moe"]))
    assert row[HOOD] == es.escape_markdown("65.1% ± 4.6 puntos")
    assert " de 90" in row["Posición"] and row["Confiabilidad"] == es.escape_markdown("confiable (CV inferior al 15%)")
    # 65.1% ± 4.6 against the city's 52.3% ± 0.8: significant, said in points
    assert row["Comparado con la ciudad"] == es.escape_markdown("12.8 puntos por encima de la ciudad")
    # same census counts as in English, under Spanish group names
    assert any("tenía **8,442** residentes en 2010 y **8,665** en 2020 (+2.6%)" in m.value for m in at.markdown)
    race = next(d.value for d in unfold_chart_tables(at, "app_pages/profile.py").dataframe
                if "Grupo" in d.value.columns).set_index("Grupo")
    assert race.loc["Blanca sola", "2010"] == 6886 and race.loc["Negra sola", "2020"] == 520
    # the recommendations stay in their official English, and the page says so
    recs = next(t.value for t in at.table if "Número" in t.value.columns)
    assert set(recs["Tema"]) <= {"Derecho a una vivienda adecuada", "Derecho a un nivel de vida adecuado",
                                 "Discriminación racial"}
    assert any("texto oficial, en inglés" in c.value for c in at.caption)
    assert_no_english_label(at)


def test_compare_in_spanish(open_spanish):
    at = open_spanish("app_pages/compare.py", hoods="Bloomfield|Hazelwood")
    assert [t.value for t in at.title] == ["Comparar y clasificar"]
    ranking = next(d.value for d in at.dataframe if "Posición (1 = peor)" in d.value.columns)
    assert len(ranking) == 90 and ranking["Posición (1 = peor)"].iloc[0] == 1
    assert [b.proto.label for b in at.get("download_button")] == ["Descargar la clasificación (CSV)"]
    arrests = next(d.value for d in at.dataframe if "Todos los arrestos" in d.value.columns).set_index("Zona")
    assert arrests.loc["Bloomfield", ["Blanca", "Negra", "Todos los arrestos"]].tolist() == [57, 46, 108]
    assert "Ciudad (todos los barrios)" in arrests.index
    evictions = next(d.value for d in unfold_chart_tables(at, "app_pages/compare.py").dataframe
                     if "Demandas ÷ habituales" in d.value.columns)
    white = evictions.set_index("Códigos postales con mayoría").loc["Blanca"]
    assert white["Demandas ÷ habituales"] == pytest.approx(0.8932496909735)
    text = "\n".join(m.value for m in at.markdown)
    assert "**no tiene la carga del alquiler por raza ni por etnia**" in text and "**70% ±" in text
    assert_no_english_label(at)


def test_growth_in_spanish(open_spanish):
    at = open_spanish("app_pages/growth.py")
    assert [t.value for t in at.title] == ["Crecimiento o personas"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Valor de la vivienda, ciudad"] == "+124.9%" and metrics["Alquileres, condado"] == "+49.5%"
    assert metrics["Residentes negros, ciudad"] == "-13.4%"
    captions = "\n".join(c.value for c in at.caption)
    assert "52.3% ± 0.8 puntos en 2020–2024: no es un cambio significativo" in captions
    assert at.radio(key="growth_scatter_y").options == [
        catalog.get("black_population_change_2010_2020", "es").title, catalog.get("rent_burden_share", "es").title]
    assert len(at.get("echarts_chart")) == 4 and len(at.get("image")) == 2
    assert_no_english_label(at)


def test_methods_in_spanish(open_spanish, snapshot):
    at = open_spanish("app_pages/methods.py")
    assert [t.value for t in at.title] == ["Métodos y fuentes"]
    labels = [e.proto.label for e in at.expander]
    for ind in catalog.CATALOG.values():
        assert catalog.get(ind.id, "es").title in labels
    text = "\n".join(m.value for m in at.markdown)
    assert "√Σ(*w* × MOE)²" in text and "CV inferior al 15%" in text
    assert "**Unidad:** proporción \\(se muestra como porcentaje\\); **sentido:** una cifra más alta es peor" in text
    # the file names of the downloads stay as they are
    tables = list(snapshot.manifest["tables"])
    assert [b for b in (b.proto.label for b in at.get("download_button")) if b.endswith(".csv")] == [
        f"{t}.csv" for t in tables]
    assert_no_english_label(at)


def test_an_empty_cell_shows_a_dash_not_the_english_none(open_spanish):
    # "Average years at the same address" has no margin of error: its ranking's margin column is empty
    at = open_spanish("app_pages/compare.py", indicator="avg_years_of_residence")
    ranking = next(t for t in at.dataframe if "Margen de error (90%)" in t.value.columns)
    assert ranking.value["Margen de error (90%)"].isna().all()
    assert {t.proto.placeholder for t in at.dataframe} == {"—"}
