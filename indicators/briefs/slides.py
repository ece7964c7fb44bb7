"""The briefs as slide decks (16:9 PowerPoint, python-pptx): few words per slide, the same figures as the PDF.

python-pptx cannot measure text, so every box and table row is sized from an estimate of the lines its text
needs (:func:`text_height`); tables that would run past the footer continue on the next slide, and
:func:`overflowing` lists any shape whose text the estimate says does not fit (the tests use it). Text from
outside (notes, names, recommendation texts) is set as plain runs: PowerPoint never reads it as markup or as a
formula, and a character no XML file can hold (U+FFFE, a lone surrogate) shows as U+FFFD instead of breaking the
deck.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.util import Emu, Inches, Pt

from indicators.briefs import staticmap
from indicators.briefs.content import (
    glance_line,
    STATUS_LABELS,
    TRACK_LABELS,
    NeighborhoodBrief,
    ProgressBrief,
    status_label,
    track_label,
)
from indicators.core.exports import document_text
from indicators.core.i18n import translator

FONT = "Calibri"  # i18n: not shown
SLIDE_W, SLIDE_H = 13.333, 7.5
LEFT = 0.6
WIDTH = SLIDE_W - 2 * LEFT
BODY_TOP = 1.35
BODY_BOTTOM = 6.8          # the footer starts below
CHAR_WIDTH = 0.52          # average character width in ems, on the generous side for Calibri
LINE_SPACING = 1.2
CELL_MARGIN = 0.06         # inches, each side of a table cell
NOTE_LIMIT = 220           # characters of a typed note shown on a slide (the PDF has them whole)


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


INK = _rgb(staticmap.INK)
MUTED = _rgb(staticmap.MUTED)
ACCENT = _rgb(staticmap.ACCENT)
SHADE = _rgb("#f1f4f7")
TOPIC = _rgb("#e3e9f0")
WHITE = _rgb("#ffffff")
OVERDUE = _rgb("#c62828")


# ------------------------------------------------------------------------------------------ measuring
def lines_needed(text: str, width_in: float, size_pt: float) -> int:
    """Estimated wrapped lines of ``text`` in a box ``width_in`` wide at ``size_pt``."""
    per_line = max(1, int(width_in * 72 / (size_pt * CHAR_WIDTH)))
    total = 0
    for paragraph in str(text).split("\n"):
        words, line = paragraph.split(), 0
        count = 1
        for word in words:
            extra = len(word) + (1 if line else 0)
            if line and line + extra > per_line:
                count += 1
                line = len(word)
            else:
                line += extra
            while line > per_line:  # a word longer than a line breaks inside it
                count += 1
                line -= per_line
        total += count
    return total


def text_height(paragraphs, width_in: float) -> float:
    """Inches needed by ``paragraphs`` — (text, size) pairs — in a box ``width_in`` wide."""
    return sum(lines_needed(text, width_in, size) * size * LINE_SPACING / 72 for text, size in paragraphs)


def shorten(text: str, limit: int = NOTE_LIMIT) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


# ------------------------------------------------------------------------------------------ drawing
@dataclass
class Deck:
    prs: Presentation
    footer: str
    lang: str

    def slide(self, title: str | None = None):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])
        if title is not None:
            # one line at any length: bold glyphs run wider than the estimate, so long titles get a smaller size
            size = 28 if len(title) <= 45 else 24 if len(title) <= 56 else 20
            _box(slide, LEFT, 0.4, WIDTH, 0.7, [(shorten(title, 75), size, True, INK)], anchor=MSO_ANCHOR.BOTTOM)
            bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(LEFT), Inches(1.1), Inches(1.2), Inches(0.06))
            bar.fill.solid()
            bar.fill.fore_color.rgb = ACCENT
            bar.line.fill.background()
        _box(slide, LEFT, 6.95, WIDTH, 0.35, [(self.footer, 10, False, MUTED)])
        return slide


def _box(slide, left, top, width, height, paragraphs, *, anchor=MSO_ANCHOR.TOP, fill=None, margin=0.05):
    """A text box of (text, size, bold, colour) paragraphs, wrapped, of a fixed size (no auto-fit)."""
    shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    if fill is not None:
        shape.fill.solid()
        shape.fill.fore_color.rgb = fill
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = anchor
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, side, Inches(margin))
    _fill(frame, paragraphs)
    return shape


def _fill(frame, paragraphs) -> None:
    for i, (text, size, bold, colour) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = document_text(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = FONT
        run.font.color.rgb = colour


def _picture(slide, png: bytes, left, top, width=None, height=None, alt: str = ""):
    picture = slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top),
                                       Inches(width) if width else None, Inches(height) if height else None)
    if alt:
        picture._element.nvPicPr.cNvPr.set("descr", alt)
    return picture


def _row_height(cells, widths, size) -> float:
    """Estimated height of a table row: its tallest cell."""
    tallest = 0.0
    for cell, width in zip(cells, widths):
        paragraphs = cell if isinstance(cell, list) else [(cell, size, False, INK)]
        tallest = max(tallest, text_height([(p[0], p[1]) for p in paragraphs], width - 2 * CELL_MARGIN))
    return tallest + 2 * CELL_MARGIN + 0.04


def _pages(rows, widths, size, available: float) -> list[list]:
    """Rows (after the header) split so each slide's table fits ``available`` inches, as evenly as the fewest
    slides allow; a heading row (``span``) stays on the slide of the row after it."""
    groups: list[list] = []
    for row in rows:
        if groups and groups[-1][-1].get("span"):
            groups[-1].append(row)
        else:
            groups.append([row])
    heights = [sum(_row_height(row["cells"], widths, size) for row in group) for group in groups]

    def split(cap: float) -> list[list]:
        pages, page, used = [], [], 0.0
        for group, height in zip(groups, heights):
            if page and used + height > cap:
                pages.append(page)
                page, used = [], 0.0
            page.extend(group)
            used += height
        return pages + [page] if page else pages

    pages = split(available)
    low, high = sum(heights) / max(len(pages), 1), available
    for _step in range(20):  # the smallest height per slide that needs no more slides
        middle = (low + high) / 2
        if len(split(middle)) <= len(pages):
            high = middle
        else:
            low = middle
    return split(high)


def _table(slide, header, rows, widths, top, size):
    """A table with a dark header row; each row is {"cells": [...], "shade": colour or None, "span": bool}.
    A cell is a text or a list of (text, size, bold, colour) paragraphs."""
    heights = [_row_height(header, widths, size)] + [_row_height(r["cells"], widths, size) for r in rows]
    shape = slide.shapes.add_table(len(rows) + 1, len(widths), Inches(LEFT), Inches(top), Inches(sum(widths)),
                                   Inches(sum(heights)))
    table = shape.table
    table.first_row = True
    table.horz_banding = False
    for i, width in enumerate(widths):
        table.columns[i].width = Inches(width)
    for r, height in enumerate(heights):
        table.rows[r].height = Inches(height)
    for c, label in enumerate(header):
        _cell(table.cell(0, c), [(label, size, True, WHITE)], INK)
    for r, row in enumerate(rows, start=1):
        if row.get("span"):
            table.cell(r, 0).merge(table.cell(r, len(widths) - 1))
        for c, cell in enumerate(row["cells"]):
            if row.get("span") and c > 0:
                continue
            paragraphs = cell if isinstance(cell, list) else [(cell, size, False, INK)]
            _cell(table.cell(r, c), paragraphs, row.get("shade") or WHITE)
    return shape


def _cell(cell, paragraphs, fill) -> None:
    cell.fill.solid()
    cell.fill.fore_color.rgb = fill
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(cell, side, Inches(CELL_MARGIN))
    cell.text_frame.word_wrap = True
    _fill(cell.text_frame, paragraphs)


def _new_deck(footer: str, lang: str) -> Deck:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    return Deck(prs, footer, lang)


def _save(deck: Deck, title: str) -> bytes:
    _ = translator(deck.lang)
    props = deck.prs.core_properties
    props.title = document_text(title)
    props.author = _("Human rights city dashboard")
    props.language = deck.lang
    out = io.BytesIO()
    deck.prs.save(out)
    return out.getvalue()


def _tabled_slides(deck: Deck, title: str, header, rows, widths, size, *, top=BODY_TOP + 0.1,
                   after: list | None = None) -> None:
    """As many slides as the rows need, each with the title (numbered when continued) and the header."""
    _ = translator(deck.lang)
    after = after or []
    reserve = text_height([(p[0], p[1]) for p in after], WIDTH) + 0.15 if after else 0
    available = BODY_BOTTOM - top - _row_height(header, widths, size) - reserve
    pages = _pages(rows, widths, size, available)
    for n, page in enumerate(pages, start=1):
        shown = title if len(pages) == 1 else _("{title} ({n} of {total})", title=title, n=n, total=len(pages))
        slide = deck.slide(shown)
        shape = _table(slide, header, page, widths, top, size)
        if after and n == len(pages):
            bottom = top + Emu(shape.height).inches + 0.1
            _box(slide, LEFT, bottom, WIDTH, BODY_BOTTOM - bottom, after)


def _sources_slides(deck: Deck, sources, generated: str, built: str) -> None:
    _ = translator(deck.lang)
    rows = [{"cells": [s.title, s.publisher, s.vintage]} for s in sources]
    note = [(_("Figures from the data snapshot built {built}; brief prepared {date}. Source titles, neighborhood "
               "names and UN recommendation texts are given as published, in English.", built=built, date=generated),
             11, False, MUTED)]
    _tabled_slides(deck, _("Sources and vintages"), [_("Source (title as published)"), _("Publisher"), _("Vintage")],
                   rows, [5.2, 4.1, 2.833], 10, after=note)


def _status_cell(assessment, lang: str) -> list:
    _ = translator(lang)
    paragraphs = [(assessment.status_label, 12, True, INK)]
    if assessment.as_of:
        paragraphs.append((_("as of {date}, according to {author}", date=assessment.as_of, author=assessment.author),
                           10, False, MUTED))
    if assessment.note:
        paragraphs.append((shorten(assessment.note), 10, False, INK))
    for label, url in assessment.evidence[:2]:
        paragraphs.append((_("Evidence: {link}", link=shorten(label or url, 80)), 10, False, MUTED))
    return paragraphs


# ------------------------------------------------------------------------------------------ neighborhood deck
def neighborhood_pptx(brief: NeighborhoodBrief) -> bytes:
    """The neighborhood brief as a slide deck."""
    _ = translator(brief.lang)
    deck = _new_deck(_("{hood} · {city} · brief of {date} · data snapshot built {built}", hood=brief.hood,
                       city=brief.city_name, date=brief.generated, built=brief.snapshot_built), brief.lang)

    slide = deck.slide()
    _box(slide, LEFT, 2.0, 6.2, 3.6, [
        (brief.hood, 44, True, INK), (_("Neighborhood brief · {city}", city=brief.city_name), 22, False, MUTED),
        ("", 12, False, INK),
        (_("Prepared {date} from the data snapshot built {built}.", date=brief.generated,
           built=brief.snapshot_built), 14, False, MUTED)])
    _picture(slide, staticmap.locator_map(brief.geometry, brief.hood, width_in=5.8, height_in=5.4), 6.9, 0.9,
             height=5.8, alt=_("Map of {city} with {hood} highlighted", city=brief.city_name, hood=brief.hood))

    slide = deck.slide(_("Can people stay?"))
    card_w, card_h, gap = 3.9, 2.45, 0.2
    for i, f in enumerate(brief.headlines[:6]):
        left, top = LEFT + (i % 3) * (card_w + gap), BODY_TOP + 0.15 + (i // 3) * (card_h + gap)
        title = _("{title} ({period})", title=f.title, period=f.period) if f.period else f.title
        lines = [(title, 12, False, MUTED), (f.value, 20, True, INK), (glance_line(f, brief.lang), 11, False, INK),
                 (f.reliability, 10, False, MUTED)] + ([(shorten(f.trend, 110), 9, False, MUTED)] if f.trend else [])
        _box(slide, left, top, card_w, card_h, lines, fill=SHADE, margin=0.15)
    _box(slide, LEFT, 6.3, WIDTH, 0.7, [(shorten(" ".join([*brief.stay_notes, _(
        "± is the margin of error at 90% confidence; figures without ± have no published margin of error.")]), 360),
        10, False, MUTED)])

    header = [_("Indicator"), _("{hood} (± margin of error, 90%)", hood=brief.hood), _("City (or county, where said)"),
              _("Compared with the city"), _("Reliability"), _("Period")]
    rows = []
    for topic, question in brief.topics.items():
        rows.append({"cells": [[(question, 11, True, INK)], "", "", "", "", ""], "shade": TOPIC, "span": True})
        rows += [{"cells": [[(f.title, 11, False, INK)] + ([(f.note, 9, False, MUTED)] if f.note else []),
                            [(f.value, 11, True, INK)] + ([(f.rank, 9, False, MUTED)] if f.rank else []), f.city,
                            f.comparison, f.reliability, f.period]}
                 for f in brief.figures if f.topic == topic]
        if topic in brief.topic_warnings:
            rows.append({"cells": [[(brief.topic_warnings[topic], 10, False, MUTED)], "", "", "", "", ""],
                         "span": True})
    _tabled_slides(deck, _("The figures"), header, rows, [3.0, 2.35, 2.0, 2.0, 1.6, 1.183], 11)
    caveat_rows = [{"cells": [[(title, 10, True, INK)], [(" ".join(caveats), 9, False, INK)]]}
                   for title, caveats in brief.caveats]
    if caveat_rows:
        _tabled_slides(deck, _("Caveats of these figures"), [_("Indicator"), _("Caveats")], caveat_rows, [3.0, 9.133],
                       9)

    charts = [t for t in brief.trends if t.has_series][:2]
    if charts:
        slide = deck.slide(_("Change over time"))
        for i, trend in enumerate(charts):
            left = LEFT + i * (WIDTH / 2)
            _picture(slide, staticmap.trend_chart(trend, brief.hood, brief.lang, width_in=5.8, height_in=3.6), left,
                     BODY_TOP + 0.1, width=WIDTH / 2 - 0.2, alt=trend.title)
            _box(slide, left, 5.4, WIDTH / 2 - 0.2, 1.3, [(trend.summary, 13, False, INK),
                                                          (trend.note, 10, False, MUTED)])
    if brief.residents_total:
        start, end = brief.residents_total
        rows = [{"cells": [[(_("Everyone"), 12, True, INK)], f"{start:,.0f}", f"{end:,.0f}", f"{end - start:+,.0f}"]}]
        rows += [{"cells": [g.label, f"{g.count_2010:,.0f}", f"{g.count_2020:,.0f}",
                            f"{g.count_2020 - g.count_2010:+,.0f}"]} for g in brief.residents]
        _tabled_slides(deck, _("Residents by group, 2010 and 2020 censuses"), [_("Group"), "2010", "2020", _("Change")],
                       rows, [5.2, 2.0, 2.0, 2.0], 12, after=[(shorten(brief.residents_note, 400), 11, False, MUTED)])

    if brief.recommendations or brief.recommendations_note:
        header = [_("Number, State, theme"), _("Recommendation (official text, in English)"),
                  track_label("city", brief.lang), track_label("community", brief.lang)]
        rows = [{"cells": [[(r.number, 12, True, INK), (r.recommending_state, 11, False, INK),
                            (r.theme, 10, False, MUTED)], r.text, _status_cell(r.city, brief.lang),
                           _status_cell(r.community, brief.lang)]} for r in brief.recommendations]
        after = []
        if brief.recommendations_total > len(brief.recommendations):
            after.append((_("{shown} of {total} recommendations on these themes are shown; the dashboard's tracker "
                            "lists them all.", shown=len(brief.recommendations),
                            total=brief.recommendations_total), 11, False, MUTED))
        if brief.recommendations_note:
            after.append((brief.recommendations_note, 11, False, MUTED))
        if rows:
            _tabled_slides(deck, _("UPR recommendations on these themes"), header, rows, [2.2, 4.9, 2.5, 2.533], 11,
                           after=after)
        else:
            slide = deck.slide(_("UPR recommendations on these themes"))
            _box(slide, LEFT, BODY_TOP + 0.2, WIDTH, 1.0, after)

    _sources_slides(deck, brief.sources, brief.generated, brief.snapshot_built)
    return _save(deck, _("{hood}: neighborhood brief", hood=brief.hood))


# ------------------------------------------------------------------------------------------ progress deck
def progress_pptx(brief: ProgressBrief) -> bytes:
    """The progress brief of a priority list as a slide deck."""
    _ = translator(brief.lang)
    deck = _new_deck(_("{name} · {city} · brief of {date} · data snapshot built {built}", name=shorten(
        brief.list_name, 80), city=brief.city_name, date=brief.generated, built=brief.snapshot_built), brief.lang)
    labels = {s: status_label(s, brief.lang) for s in STATUS_LABELS}
    tracks = {t: track_label(t, brief.lang) for t in TRACK_LABELS}

    slide = deck.slide()
    lines = [(shorten(brief.list_name, 90), 40, True, INK),
             (_("Progress brief · UPR recommendations · {city}", city=brief.city_name), 22, False, MUTED),
             ("", 12, False, INK),
             (_("Priority list version {version}, saved {saved}. Prepared {date} from the tracker and the data "
                "snapshot built {built}.", version=brief.list_version, saved=brief.list_saved, date=brief.generated,
                built=brief.snapshot_built), 14, False, MUTED)]
    if brief.description:
        lines += [("", 10, False, INK), (shorten(brief.description, 300), 14, False, INK)]
    _box(slide, LEFT, 1.6, WIDTH, 4.6, lines)

    if brief.items:
        slide = deck.slide(_("Where the list stands"))
        _picture(slide, staticmap.status_chart(brief.counts, labels, tracks, brief.lang, width_in=8.0, height_in=2.4),
                 LEFT, BODY_TOP + 0.1, width=8.0,
                 alt=_("Recommendations on the list by status ({n} in all)", n=len(brief.items)))
        statuses = [s for s in STATUS_LABELS if any(brief.counts[t].get(s) for t in brief.counts)]
        rows = [{"cells": [labels[s], *(str(brief.counts[t].get(s, 0)) for t in brief.counts)]} for s in statuses]
        rows.append({"cells": [[(_("Total"), 12, True, INK)], *(str(sum(brief.counts[t].values()))
                                                                 for t in brief.counts)]})
        _table(slide, [_("Status"), *(tracks[t] for t in brief.counts)], rows, [3.4, 2.6, 2.6], 4.35, 12)
        _box(slide, 9.3, 4.35, 3.43, 2.3, [(_("Each recommendation has two statuses, kept apart: what the city "
                                               "government claims, and the community's own assessment."), 12, False,
                                             MUTED)])

    header = [_("Number, State, theme"), _("Recommendation (official text, in English) and why it matters here"),
              tracks["city"], tracks["community"], _("Trend of the linked indicator")]
    rows = []
    for item in brief.items:
        rec = item.recommendation
        what = [(rec.text, 11, False, INK)]
        if item.rationale:
            what.append((_("Why it matters here: {text}", text=shorten(item.rationale, 160)), 10, False, MUTED))
        if item.responsible_body or item.target_date:
            target = _("target {date}, overdue", date=item.target_date) if item.overdue else item.target_date
            what.append((" · ".join(filter(None, [item.responsible_body, target])), 10, True if item.overdue
                         else False, OVERDUE if item.overdue else MUTED))
        if item.actions:
            what.append((_("Latest action: {action}", action=shorten(item.actions[0], 120)), 10, False, MUTED))
        trend = [("• " + t.title + ": " + t.summary, 10, False, INK) for t in item.trends[:2]] or [
            (_("No indicator is linked to this recommendation's statuses, so no trend is shown."), 10, False, MUTED)]
        rows.append({"cells": [[(f"{item.position}. {rec.number}", 12, True, INK),
                                (rec.recommending_state, 11, False, INK), (rec.theme, 10, False, MUTED)],
                               what, _status_cell(rec.city, brief.lang), _status_cell(rec.community, brief.lang),
                               trend]})
    if rows:
        _tabled_slides(deck, _("The recommendations"), header, rows, [1.9, 4.0, 2.1, 2.1, 2.033], 11)

    campaign = [*brief.list_actions, *(f"{item.recommendation.number} · {action}" for item in brief.items
                                       for action in item.actions)]
    if campaign:
        rows = [{"cells": [[(shorten(line, 200), 12, False, INK)]]} for line in campaign[:24]]
        _tabled_slides(deck, _("The campaign: latest actions"), [_("Action")], rows, [WIDTH], 12)

    trends = [t for t in brief.trends if t.has_series]
    if trends:
        slide = deck.slide(_("Trends of the linked indicators, whole city"))
        _picture(slide, staticmap.city_trends_chart(trends, brief.lang, width_in=12.0, height_in=3.9), LEFT,
                 BODY_TOP + 0.2, width=WIDTH, alt=_("Trends of the linked indicators, whole city"))
        if any(t.note for t in trends):
            _box(slide, LEFT, 5.6, WIDTH, 1.0, [(t.note, 11, False, MUTED) for t in trends if t.note][:1])
    _sources_slides(deck, brief.sources, brief.generated, brief.snapshot_built)
    return _save(deck, _("{name}: progress brief", name=brief.list_name))


# ------------------------------------------------------------------------------------------ checking
def overflowing(pptx: bytes) -> list[str]:
    """Shapes whose text, by the estimate above, needs more room than they have, or that run off the slide."""
    prs = Presentation(io.BytesIO(pptx))
    problems = []
    height = Emu(prs.slide_height).inches
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            bottom = Emu(shape.top + shape.height).inches
            if bottom > height + 0.01:
                problems.append(f"slide {number}: {shape.name} ends {bottom:.2f} in down")  # i18n: not shown
            if shape.has_text_frame and shape.text_frame.text.strip():
                paragraphs = [(p.text, max([r.font.size.pt for r in p.runs if r.font.size] or [18]))
                              for p in shape.text_frame.paragraphs]
                frame = shape.text_frame
                across = Emu(frame.margin_left + frame.margin_right).inches
                down = Emu(frame.margin_top + frame.margin_bottom).inches
                need = text_height(paragraphs, Emu(shape.width).inches - across) + down
                if need > Emu(shape.height).inches + 0.01:
                    problems.append(f"slide {number}: {shape.name} needs {need:.2f} in, has "  # i18n: not shown
                                    f"{Emu(shape.height).inches:.2f}")
            if shape.has_table:
                table = shape.table
                widths = [Emu(c.width).inches for c in table.columns]
                need = 0.0
                for row in table.rows:
                    cells = [[(p.text, max([r.font.size.pt for r in p.runs if r.font.size] or [18]))
                              for p in cell.text_frame.paragraphs] for cell in row.cells]
                    need += max(text_height(c, w - 2 * CELL_MARGIN) for c, w in zip(cells, widths)) + 2 * CELL_MARGIN
                if Emu(shape.top).inches + need > BODY_BOTTOM + 0.01:
                    problems.append(f"slide {number}: table needs to run to {Emu(shape.top).inches + need:.2f} in")  # i18n: not shown
    return problems


def slide_count(pptx: bytes) -> int:
    return len(Presentation(io.BytesIO(pptx)).slides)

