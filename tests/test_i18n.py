"""Every word the app shows exists in Spanish.

- every message marked with ``_()`` / ``N_()`` has a Spanish translation that keeps its placeholders;
- every indicator's text and every topic question has a Spanish translation in ``locale/es/catalog.toml``;
- no prose is left unmarked in the app's pages, its helpers and the briefs (a line that holds text never shown
  to a reader says so with ``# i18n: not shown``; a deliberately bilingual label with
  ``# i18n: same in every language``).
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from indicators.metrics import catalog
from indicators.core import i18n
from indicators.metrics.compute import NotAvailable
from indicators.metrics.text import Words

ROOT = Path(__file__).resolve().parent.parent
LANG = "es"
# the code whose strings a reader sees
SHOWN = [ROOT / "dashboard.py", *sorted((ROOT / "app_pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py")),
         *sorted((ROOT / "indicators" / "briefs").glob("*.py")), ROOT / "indicators" / "metrics" / "text.py"]
OPT_OUT = ("# i18n: not shown", "# i18n: same in every language")
PROSE = re.compile(r"[A-Za-z]{2,}(?:[,;:.]?\s+|['’])[A-Za-z]{2,}|^[A-Z][a-z]{2,}$")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_marked_message_has_a_spanish_translation():
    lacking = i18n.missing(ROOT, LANG)
    assert not lacking, "no Spanish translation for:\n" + "\n".join(
        f"  {where[0]}: {msgid!r}" for msgid, where in sorted(lacking.items(), key=lambda kv: kv[1][0]))


def test_translations_keep_their_placeholders():
    table = i18n.messages(LANG)
    wrong = {msgid: text for msgid, text in table.items() if placeholders(msgid) != placeholders(text)}
    assert not wrong, f"placeholders differ: {wrong}"


def test_every_indicator_and_topic_has_spanish_text():
    topics, indicators = catalog.translations(LANG)
    assert set(topics) == set(catalog.TOPICS), set(catalog.TOPICS) ^ set(topics)
    lacking = []
    for ind in catalog.CATALOG.values():
        spec = indicators.get(ind.id, {})
        for key in catalog.TRANSLATED_TEXT:
            english = getattr(ind, key)
            if key == "caveats":
                if len(spec.get("caveats", [])) != len(english) or not all(spec.get("caveats", [])):
                    lacking.append(f"{ind.id}.caveats ({len(english)} in English)")
            elif not str(spec.get(key, "")).strip():
                lacking.append(f"{ind.id}.{key}")
    assert not lacking, "no Spanish text for: " + ", ".join(lacking)
    assert not set(indicators) - set(catalog.CATALOG), "translations of indicators that do not exist"


def test_a_translated_indicator_reads_in_spanish_and_keeps_its_numbers():
    ind = catalog.get("rent_burden_share", LANG)
    english = catalog.get("rent_burden_share")
    assert ind.title != english.title and ind.unit == english.unit and ind.levels == english.levels
    assert catalog.topics(LANG)[ind.topic] != catalog.TOPICS[ind.topic]


NUMBER = re.compile(r"\d+(?:[.,_]\d+)*")


def test_spanish_indicator_text_keeps_every_code_and_number_of_the_english():
    """Table and variable codes, years, thresholds and counts are the same in both languages."""
    changed = []
    for ind in catalog.CATALOG.values():
        spanish = catalog.get(ind.id, LANG)
        for key in catalog.TRANSLATED_TEXT:
            en, es = getattr(ind, key), getattr(spanish, key)
            en, es = (" ".join(en), " ".join(es)) if key == "caveats" else (en, es)
            if sorted(NUMBER.findall(en)) != sorted(NUMBER.findall(es)):
                changed.append(f"{ind.id}.{key}: {NUMBER.findall(en)} → {NUMBER.findall(es)}")
    assert not changed, "numbers differ between English and Spanish:\n" + "\n".join(changed)


def test_not_available_reasons_in_spanish():
    exc = NotAvailable(i18n.N_("“{title}” is available for: {where}"), indicator="eviction_vs_baseline",
                       levels=("neighborhood", "zip", "county"))
    title_es = catalog.get("eviction_vs_baseline", LANG).title
    assert str(exc) == ("“Eviction filings compared with before the pandemic” is available for: "
                        "neighborhood, ZIP code, county")
    assert exc.message(LANG) == f"“{title_es}” está disponible a nivel de: barrio, código postal, condado"
    # a technical detail stays in the English text for logs and is not shown in another language
    failed = NotAvailable(i18n.N_("“{title}” cannot be computed at the {level} level from this snapshot"),
                          indicator="rent_change", level="city", detail="no median_rent series for level 'city'")
    assert str(failed).endswith("at the city level from this snapshot (no median_rent series for level 'city')")
    assert failed.message(LANG) == (f"“{catalog.get('rent_change', LANG).title}” no se puede calcular a nivel de "
                                    "ciudad con esta versión de los datos")
    assert "series" not in failed.message(LANG)


def test_figures_in_words_in_both_languages():
    share = catalog.get("rent_burden_share")
    assert Words("en").value_with_margin(share, 0.453, 0.021) == "45.3% ± 2.1 points"
    es = Words("es").value_with_margin(share, 0.453, 0.021)
    assert es.startswith("45.3%") and "points" not in es
    # shares differ in points; rates by a ratio, said only for a significant difference
    assert Words("en").compare_to_city(share, 0.6, 0.3, moe=0.05, city_moe=0.01) == "30.0 points above the city"
    assert Words("es").compare_to_city(share, 0.6, 0.3, moe=0.05, city_moe=0.01) != "30.0 points above the city"
    rate = catalog.get("eviction_filing_rate")
    assert Words("en").compare_to_city(rate, 7.5, 4.7, moe=1.9, city_moe=0.1) == "about 1.6 times the city figure"
    assert Words("en").compare_to_city(rate, 0.01, 4.7, moe=0.001, city_moe=0.1) == "far below the city figure"
    assert Words("es").compare_to_city(rate, 5.0, 4.7, moe=1.9, city_moe=0.1) == "no distinguible de la ciudad"


def test_unknown_languages_fall_back_to_english():
    assert i18n.normalise("ES-us") == "es" and i18n.normalise("fr") == "en" and i18n.normalise(None) == "en"
    assert i18n.translator("fr")("not available") == "not available"


class ProseFinder(ast.NodeVisitor):
    """String literals that read as prose and are not inside ``_()``/``N_()``, a docstring, a log call or a raise."""

    SKIP_CALLS = {"_", "N_", "debug", "info_log", "warning_log", "getLogger", "switch_page", "page_link_path"}

    def __init__(self, lines: list[str]):
        self.lines, self.found = lines, []

    def visit_Expr(self, node):  # a docstring or a bare string statement
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return
        self.generic_visit(node)

    def visit_Raise(self, node):
        return

    def visit_Call(self, node):
        name = node.func.id if isinstance(node.func, ast.Name) else (
            node.func.attr if isinstance(node.func, ast.Attribute) else "")
        owner = node.func.value.id if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) else ""
        if name in self.SKIP_CALLS or owner in {"log", "logger", "logging"}:
            return
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and PROSE.search(self._outside_fields(node.value)):
            span = self.lines[node.lineno - 1:(node.end_lineno or node.lineno)]
            if not any(mark in line for line in span for mark in OPT_OUT):
                self.found.append((node.lineno, node.value[:60]))

    @staticmethod
    def _outside_fields(text: str) -> str:
        return re.sub(r"\{[^{}]*\}", " ", text)


@pytest.mark.parametrize("path", SHOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_prose_is_left_untranslatable(path):
    if not path.exists():
        pytest.skip("not part of this checkout")
    source = path.read_text(encoding="utf-8")
    finder = ProseFinder(source.splitlines())
    finder.visit(ast.parse(source))
    assert not finder.found, f"{path.relative_to(ROOT)}: text not marked for translation:\n" + "\n".join(
        f"  line {n}: {text!r}" for n, text in finder.found)


def test_marked_messages_are_literal():
    """``_(f"...")`` cannot be translated (the extractor sees no literal); placeholders are passed by name."""
    bad = []
    for path in SHOWN:
        if not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                    and node.args and isinstance(node.args[0], (ast.JoinedStr, ast.BinOp))):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            # the extractor does not look inside f-strings: f"{_('Label')}: …" would never be translated
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "_"
                            and inner.args and isinstance(inner.args[0], ast.Constant)):
                        bad.append(f"{path.relative_to(ROOT)}:{inner.lineno} (inside an f-string)")
    assert not bad, "f-strings or concatenations inside _(), or _() inside f-strings: " + ", ".join(bad)


def test_every_note_and_period_the_snapshot_produces_has_a_spanish_form(snapshot):
    """The library writes notes and periods in English; each one it produces must match a form in
    ``indicators.metrics.text.NOTE_FORMS`` (or be a plain year or range), so it can be said in Spanish."""
    from indicators.metrics import compute
    from indicators.metrics.text import NOTE_FORMS, PERIOD_RANGE

    notes, periods = set(), set()
    for ind in catalog.CATALOG.values():
        for level in compute.available_levels(snapshot, ind.id):
            try:
                result = compute.compute(snapshot, ind.id, level)
            except compute.NotAvailable:
                continue
            notes |= {part for n in result["note"].dropna() for part in str(n).split("; ")}
            periods |= set(result["period"].dropna().astype(str))
        city = compute.city_value(snapshot, ind.id, None)
        if city is not None:
            periods.add(str(city["period"]))
    assert notes and periods
    unknown = sorted(n for n in notes if not any(pattern.match(n) for pattern, _ in NOTE_FORMS))
    assert not unknown, f"notes with no form to translate: {unknown}"
    odd = sorted(p for p in periods if not (re.fullmatch(r"\d{4}(–\d{4})?", p) or PERIOD_RANGE.match(p)))
    assert not odd, f"periods with no form to translate: {odd}"
    es = Words("es")
    assert all(es.note(n) != n for n in notes if not n.startswith("undetermined"))
    assert es.period("2022-12-01 to 2023-11-30") == "2022-12-01 a 2023-11-30"
