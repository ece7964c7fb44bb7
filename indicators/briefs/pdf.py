"""The briefs as PDF handouts (US Letter), laid out with reportlab's platypus.

Every text that comes from outside this module — neighborhood names, notes people typed, publishers' titles,
recommendation texts — goes through :func:`text`, which escapes it, so a Paragraph shows it as written and never
reads it as markup. The fonts are the DejaVu Sans faces that matplotlib ships, embedded, so accents, ±, – and ×
print on any machine.
"""

from __future__ import annotations

import io
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from matplotlib import get_data_path
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from indicators.briefs import staticmap
from indicators.briefs.content import (
    STATUS_LABELS,
    glance_line,
    TRACK_LABELS,
    NeighborhoodBrief,
    ProgressBrief,
    status_label,
    track_label,
    unavailable_words,
)
from indicators.core.exports import document_text
from indicators.core.i18n import translator

FONT = "DejaVuSans"
PAGE_W, PAGE_H = letter
MARGIN = 0.6 * inch
WIDTH = PAGE_W - 2 * MARGIN
INK = colors.HexColor(staticmap.INK)
MUTED = colors.HexColor(staticmap.MUTED)
ACCENT = colors.HexColor(staticmap.ACCENT)
RULE = colors.HexColor("#c9d1da")
SHADE = colors.HexColor("#f1f4f7")
TOPIC_SHADE = colors.HexColor("#e3e9f0")


@lru_cache(maxsize=None)
def register_fonts() -> str:
    """Register DejaVu Sans (regular, bold, oblique) with reportlab once; returns the family name."""
    folder = Path(get_data_path()) / "fonts" / "ttf"
    faces = {"": "DejaVuSans.ttf", "-Bold": "DejaVuSans-Bold.ttf", "-Oblique": "DejaVuSans-Oblique.ttf",
             "-BoldOblique": "DejaVuSans-BoldOblique.ttf"}
    for suffix, file in faces.items():
        pdfmetrics.registerFont(TTFont(FONT + suffix, str(folder / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT + "-Bold", italic=FONT + "-Oblique",
                                  boldItalic=FONT + "-BoldOblique")
    return FONT


def text(value) -> str:
    """Any text made inert for a reportlab Paragraph: ``&``, ``<`` and ``>`` escaped, line breaks kept."""
    return xml_escape(document_text(value)).replace("\n", "<br/>")


@lru_cache(maxsize=None)
def styles() -> dict[str, ParagraphStyle]:
    font = register_fonts()
    base = ParagraphStyle("body", fontName=font, fontSize=8.8, leading=11.6, textColor=INK)

    def style(name, **kw):
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "title": style("title", fontName=font + "-Bold", fontSize=24, leading=28, spaceAfter=2),
        "subtitle": style("subtitle", fontSize=10, leading=13, textColor=MUTED),
        "meta": style("meta", fontSize=8, leading=10.5, textColor=MUTED, spaceAfter=8),
        "h1": style("h1", fontName=font + "-Bold", fontSize=13, leading=16, spaceBefore=10, spaceAfter=4,
                    textColor=INK),
        "h2": style("h2", fontName=font + "-Bold", fontSize=10, leading=13, spaceBefore=6, spaceAfter=3),
        "small": style("small", fontSize=7.2, leading=9.0, textColor=MUTED),
        "caveat": style("caveat", fontSize=6.3, leading=7.3, textColor=MUTED),
        "cell": style("cell", fontSize=7.3, leading=8.9),
        "cell_head": style("cell_head", fontName=font + "-Bold", fontSize=7.6, leading=9.4, textColor=colors.white),
        "topic": style("topic", fontName=font + "-Bold", fontSize=8.2, leading=10.4),
        "glance_title": style("glance_title", fontSize=7.6, leading=9.4, textColor=MUTED),
        "glance_value": style("glance_value", fontName=font + "-Bold", fontSize=11.5, leading=13.5),
        "glance_note": style("glance_note", fontSize=7.6, leading=9.4),
        "rec_head": style("rec_head", fontSize=8.4, leading=10.8),
        "rec_text": style("rec_text", fontSize=8.4, leading=10.8, textColor=colors.HexColor("#33414f")),
    }


def _font(content: str, *, size: float | None = None, color: str | None = None) -> str:
    """``content`` (already escaped) in a font tag of another size or colour."""
    attrs = (f" size={size}" if size else "") + (f" color='{color}'" if color else "")
    return f"<font{attrs}>{content}</font>"


def _para(value: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped)."""
    return Paragraph(text(value), styles()[style])


def _markup(markup: str, style: str = "body") -> Paragraph:
    """A paragraph of markup built here, where every outside text was passed through :func:`text`."""
    return Paragraph(markup, styles()[style])


def _image(png: bytes, width: float, height: float) -> Image:
    return Image(io.BytesIO(png), width=width, height=height)


def _document(out: io.BytesIO, title: str, header: tuple[str, str], footer: str, lang: str) -> tuple:
    _ = translator(lang)
    font = register_fonts()
    doc = SimpleDocTemplate(out, pagesize=letter, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=0.75 * inch,
                            bottomMargin=0.7 * inch, title=document_text(title),
                            author=_("Human rights city dashboard"), subject=document_text(title), creator=_("Human rights city dashboard"))

    def decorate(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, PAGE_H - 0.45 * inch, header[0])
        canvas.drawRightString(PAGE_W - MARGIN, PAGE_H - 0.45 * inch, header[1])
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(1.4)
        canvas.line(MARGIN, PAGE_H - 0.52 * inch, PAGE_W - MARGIN, PAGE_H - 0.52 * inch)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, 0.55 * inch, PAGE_W - MARGIN, 0.55 * inch)
        canvas.drawString(MARGIN, 0.4 * inch, footer)
        canvas.drawRightString(PAGE_W - MARGIN, 0.4 * inch, _("Page {n}", n=document.page))
        canvas.restoreState()

    return doc, decorate


def _table(rows, widths, *, header: bool = True, extra=()) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), INK)]
    table.setStyle(TableStyle(style + list(extra)))
    return table


def _head(labels) -> list[Paragraph]:
    return [_para(label, "cell_head") for label in labels]


def how_to_read(lang: str, with_margins: bool = True, example: str = "") -> str:
    """How to read the figures; ``example`` (what ± means, with a figure of the brief) replaces the general
    sentence on ±."""
    _ = translator(lang)
    parts = []
    if example:
        parts += [example, _("Figures without ± are counts or records with no published margin of error. "
                             "Reliability follows the coefficient of variation (CV): under 15% reliable, 15–30% use "
                             "with caution, above 30% unreliable.")]
    elif with_margins:
        parts.append(_("± is the margin of error at 90% confidence: for survey estimates (the American Community "
                       "Survey) the true figure lies within that range 9 times out of 10. Figures without ± are "
                       "counts or records with no published margin of error. Reliability follows the coefficient "
                       "of variation (CV): under 15% reliable, 15–30% use with caution, above 30% unreliable."))
    parts.append(_("Compared with the city: a difference is named (in points for shares) only where the 90% test "
                   "says it is not chance; otherwise the figures are not distinguishable. Rank 1 is the worst "
                   "neighborhood; a range after it shows where the neighborhood could rank given the margins of "
                   "error."))
    parts.append(_("Every figure comes from the dashboard's data snapshot; where the snapshot has no figure, the "
                   "brief says so. Neighborhood figures from census tracts or ZIP codes are rebuilt from their counts "
                   "shared out by land area."))
    return " ".join(parts)


def _status_cell(assessment, lang: str) -> Paragraph:
    _ = translator(lang)
    colour = staticmap.STATUS_COLORS.get(assessment.status, "#999999")
    lines = [_font(text(assessment.track_label), size=7, color=staticmap.MUTED),
             _font("■", color=colour) + f" <b>{text(assessment.status_label)}</b>"]
    if assessment.as_of:
        lines.append(_font(text(_("as of {date}, according to {author}", date=assessment.as_of,
                                  author=assessment.author)), size=7, color=staticmap.MUTED))
    if assessment.note:
        lines.append(text(assessment.note))
    for label, url in assessment.evidence:
        shown = f"{label} ({url})" if label else url
        lines.append(_font(text(_("Evidence: {link}", link=shown)), size=7))
    return _markup("<br/>".join(lines), "cell")


def _recommendation_block(rec, lang: str, position: int | None = None, extra=(), before=()) -> list:
    """One recommendation with both statuses, kept on one page (with ``before``, e.g. the section's heading)."""
    lead = f"{position}. " if position is not None else ""
    head = (f"<b>{text(lead + rec.number)}</b> · {text(rec.recommending_state)} · {text(rec.response)} · "
            f"<i>{text(rec.theme)}</i>")
    statuses = Table([[_status_cell(rec.city, lang), _status_cell(rec.community, lang)]],
                     colWidths=[WIDTH / 2, WIDTH / 2], hAlign="LEFT")
    statuses.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("LINEBEFORE", (1, 0), (1, 0), 3, colors.white),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    return [KeepTogether([*before, _markup(head, "rec_head"), Spacer(1, 1), _para(rec.text, "rec_text"), *extra,
                          Spacer(1, 3), statuses, Spacer(1, 8)])]


def _sources_section(sources, lang: str, generated: str, built: str) -> list:
    _ = translator(lang)
    rows = [_head([_("Source (title as published)"), _("Publisher"), _("Vintage")])]
    rows += [[_para(s.title, "cell"), _para(s.publisher, "cell"), _para(s.vintage, "cell")] for s in sources]
    return [
        CondPageBreak(1.6 * inch),
        _para(_("Sources and vintages"), "h1"),
        _table(rows, [WIDTH * 0.40, WIDTH * 0.30, WIDTH * 0.30]),
        Spacer(1, 3),
        _para(_("Figures from the data snapshot built {built}; brief prepared {date}. Source titles, neighborhood "
                "names and UN recommendation texts are given as published, in English.", built=built,
                date=generated), "caveat"),
    ]


# ------------------------------------------------------------------------------------------ neighborhood brief
def _glance(brief: NeighborhoodBrief) -> Table:
    _ = translator(brief.lang)
    rows = [[_para(_("Can people stay?"), "h2")]]
    for f in brief.headlines:
        line = " · ".join(filter(None, [glance_line(f, brief.lang), f.reliability]))
        cell = [_para(_("{title} ({period})", title=f.title, period=f.period) if f.period else f.title,
                      "glance_title"), _para(f.value, "glance_value"), _para(line, "glance_note")]
        if f.trend:  # the change over time, where two periods share no year
            cell.append(_para(f.trend, "glance_title"))
        rows.append([cell])
    if brief.stay_notes:
        rows.append([_para(" ".join(brief.stay_notes), "glance_note")])
    table = Table(rows, colWidths=[3.75 * inch])
    table.setStyle(TableStyle([
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4), ("LINEBELOW", (0, 1), (-1, -2), 0.4, RULE),
        ("LINEBEFORE", (0, 0), (0, -1), 2.5, ACCENT)]))
    return table


def _figures_table(brief: NeighborhoodBrief) -> Table:
    _ = translator(brief.lang)
    rows = [_head([_("Indicator"), _("{hood} (± margin of error, 90%)", hood=brief.hood),
                   _("City (or county, where said)"), _("Compared with the city"), _("Reliability"), _("Period")])]
    extra = []
    for topic, question in brief.topics.items():
        extra += [("SPAN", (0, len(rows)), (-1, len(rows))), ("BACKGROUND", (0, len(rows)), (-1, len(rows)),
                                                                TOPIC_SHADE)]
        rows.append([_para(question, "topic"), "", "", "", "", ""])
        for f in (f for f in brief.figures if f.topic == topic):
            detail = "; ".join(filter(None, [f.basis, f.note]))
            title = text(f.title) + ("<br/>" + _font(text(detail), size=6.8, color=staticmap.MUTED) if detail else "")
            # the rank sits under the figure, where the cell has room, with its range where it is wide
            value = f"<b>{text(f.value)}</b>" + ("<br/>" + _font(text(_("rank {rank}", rank=f.rank)), size=6.8,
                                                                  color=staticmap.MUTED) if f.rank else "")
            rows.append([_markup(title, "cell"), _markup(value, "cell"), _para(f.city, "cell"),
                         _para(f.comparison, "cell"), _para(f.reliability, "cell"), _para(f.period, "cell")])
        if topic in brief.topic_warnings:
            extra += [("SPAN", (0, len(rows)), (-1, len(rows)))]
            rows.append([_para(brief.topic_warnings[topic], "small"), "", "", "", "", ""])
    widths = [2.05, 1.3, 1.1, 1.15, 0.85, 0.85]
    return _table(rows, [w * inch for w in widths], extra=extra)


def _caveats_section(brief: NeighborhoodBrief) -> list:
    """Every caveat of the figures shown, in small type, each under its indicator's title."""
    _ = translator(brief.lang)
    if not brief.caveats:
        return []
    items = [_markup(f"<b>{text(title)}</b>: " + text(" ".join(caveats)), "caveat") for title, caveats in brief.caveats]
    # in small type, flowing on from the figures: they are many, and every one belongs beside its figure
    return [CondPageBreak(0.9 * inch), _para(_("Caveats of these figures"), "h2"), *items]


def _change_section(brief: NeighborhoodBrief, pictures: dict[str, bytes]) -> list:
    _ = translator(brief.lang)
    story = [CondPageBreak(2.9 * inch), _para(_("Change over time"), "h1")]
    charts = [t for t in brief.trends if t.has_series][:2]
    if charts:
        story.append(_para(_("Yearly figures the snapshot holds for {hood} and the whole city.", hood=brief.hood),
                           "body"))
        cells = [[_image(pictures[t.indicator_id], 3.55 * inch, 3.55 * inch * 1.6 / 3.6) for t in charts],
                 [_para(t.summary + " " + t.note, "small") for t in charts]]
        grid = Table(cells, colWidths=[WIDTH / 2] * len(charts))
        grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 2)]))
        story.append(grid)
    residents = [_para(_("Residents by group, 2010 and 2020 censuses"), "h2")]
    if brief.residents_total:
        start, end = brief.residents_total
        rows = [_head([_("Group"), "2010", "2020", _("Change")])]
        everyone = _("Everyone")
        rows.append([_markup(f"<b>{text(everyone)}</b>", "cell"), _para(f"{start:,.0f}", "cell"),
                     _para(f"{end:,.0f}", "cell"), _para(f"{end - start:+,.0f}", "cell")])
        rows += [[_para(g.label, "cell"), _para(f"{g.count_2010:,.0f}", "cell"), _para(f"{g.count_2020:,.0f}", "cell"),
                  _para(f"{g.count_2020 - g.count_2010:+,.0f}", "cell")] for g in brief.residents]
        residents.append(_table(rows, [2.6 * inch, 0.9 * inch, 0.9 * inch, 0.9 * inch],
                                extra=[("ALIGN", (1, 0), (-1, -1), "RIGHT")]))
    residents += [Spacer(1, 3), _para(brief.residents_note, "small")]
    story.append(KeepTogether(residents))
    acs = next((f.period for f in brief.figures if "acs5_tracts" in f.source_ids), "")
    if acs:
        story.append(_para(_("Housing, rent burden and poverty figures for neighborhoods come from one ACS period "
                             "({period}) in this snapshot, so their change over time cannot be shown here.",
                             period=acs), "small"))
    return story


def _upr_section(brief: NeighborhoodBrief) -> list:
    _ = translator(brief.lang)
    intro = [_para(_("UPR recommendations on these themes"), "h1")]
    intro.append(_para(_("Recommendations the United States received in its Universal Periodic Review at the UN "
                         "Human Rights Council, on the themes these figures speak to. They concern the whole "
                         "country; the statuses are those recorded for {city} in the dashboard's tracker: the city "
                         "government's claim and the community's assessment, kept apart. Recommendation texts and "
                         "themes are the official ones, in English.", city=brief.city_name), "body"))
    intro.append(Spacer(1, 5))
    if brief.recommendations_note:
        intro.append(_para(brief.recommendations_note, "body"))
    story = [CondPageBreak(1.5 * inch)] + ([] if brief.recommendations else intro)
    for n, rec in enumerate(brief.recommendations):
        story += _recommendation_block(rec, brief.lang, before=intro if n == 0 else ())
    if brief.recommendations_total > len(brief.recommendations):
        story.append(_para(_("{shown} of {total} recommendations on these themes are shown; the dashboard's "
                             "tracker lists them all.", shown=len(brief.recommendations),
                             total=brief.recommendations_total), "small"))
    elif not brief.recommendations and not brief.recommendations_note:
        story.append(_para(_("The tracker holds no recommendation on these themes."), "body"))
    return story


def neighborhood_pdf(brief: NeighborhoodBrief, *, max_pages: int = 4) -> bytes:
    """The neighborhood brief as a PDF handout on at most ``max_pages`` Letter pages: when the recommendations
    would run over, fewer of them are shown (and the brief says how many of how many)."""
    pictures = {"map": staticmap.locator_map(brief.geometry, brief.hood),
                **{t.indicator_id: staticmap.trend_chart(t, brief.hood, brief.lang, height_in=1.6)
                   for t in brief.trends}}
    shown = len(brief.recommendations)
    while True:
        pdf, pages = _neighborhood_pdf(replace(brief, recommendations=brief.recommendations[:shown]), pictures)
        if pages <= max_pages or shown <= 2:
            return pdf
        shown -= 1


def _neighborhood_pdf(brief: NeighborhoodBrief, pictures: dict[str, bytes]) -> tuple[bytes, int]:
    _ = translator(brief.lang)
    out = io.BytesIO()
    title = _("{hood}: neighborhood brief", hood=brief.hood)
    doc, decorate = _document(
        out, title, (_("Human rights city dashboard · {city}", city=brief.city_name), _("Neighborhood brief")),
        _("{hood} · brief of {date} · data snapshot built {built}", hood=brief.hood, date=brief.generated,
          built=brief.snapshot_built), brief.lang)
    story = [
        _para(brief.hood, "title"),
        _para(_("Neighborhood brief · {city}", city=brief.city_name), "subtitle"),
        _para(_("Prepared {date} from the data snapshot built {built}.", date=brief.generated,
                built=brief.snapshot_built), "meta"),
    ]
    top = Table([[_image(pictures["map"], 3.35 * inch, 3.15 * inch), _glance(brief)]],
                colWidths=[3.45 * inch, WIDTH - 3.45 * inch], hAlign="LEFT")
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [top, Spacer(1, 4),
              _para(_("The neighborhood in the city: {hood} is shown in color; neighborhood boundaries as published "
                      "by the City.", hood=brief.hood), "small"),
              Spacer(1, 4), _para(how_to_read(brief.lang, example=brief.margin_explained), "small"),
              _para(_("The figures"), "h1"), _figures_table(brief)]
    story += _caveats_section(brief)
    story += _change_section(brief, pictures)
    if brief.unavailable:  # about the figures: said before the recommendations
        story.append(CondPageBreak(1.2 * inch))
        story.append(_para(_("Not available for this neighborhood"), "h2"))
        story.append(_para(" ".join(unavailable_words(brief.unavailable, brief.lang)), "small"))
    story += _upr_section(brief)
    story += _sources_section(brief.sources, brief.lang, brief.generated, brief.snapshot_built)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue(), doc.page


# ------------------------------------------------------------------------------------------ progress brief
def _counts_table(brief: ProgressBrief) -> Table:
    _ = translator(brief.lang)
    rows = [_head([_("Status"), *(track_label(t, brief.lang) for t in brief.counts)])]
    statuses = [s for s in STATUS_LABELS if any(brief.counts[t].get(s) for t in brief.counts)]
    for status in statuses:
        colour = staticmap.STATUS_COLORS.get(status, "#999999")
        rows.append([_markup(_font("■", color=colour) + " " + text(status_label(status, brief.lang)), "cell"),
                     *(_para(str(brief.counts[t].get(status, 0)), "cell") for t in brief.counts)])
    total = _("Total")
    rows.append([_markup(f"<b>{text(total)}</b>", "cell"),
                 *(_markup(f"<b>{sum(brief.counts[t].values())}</b>", "cell") for t in brief.counts)])
    return _table(rows, [2.4 * inch, 1.7 * inch, 1.7 * inch], extra=[("ALIGN", (1, 0), (-1, -1), "RIGHT")])


def _item_details(item, lang: str) -> list:
    _ = translator(lang)
    rows = []
    if item.rationale:
        rows.append((_("Why it matters here"), item.rationale))
    if item.responsible_body:
        rows.append((_("Responsible local body"), item.responsible_body))
    if item.target_date:
        rows.append((_("Target date"), _("{date} — overdue", date=item.target_date) if item.overdue
                     else item.target_date))
    if item.actions:
        rows.append((_("Campaign actions"), "\n".join(item.actions)))
    if item.testimony:
        rows.append((_("Residents' testimony"), "\n".join([item.testimony, *item.quotes])))
    if item.trends:
        for trend in item.trends:
            rows.append((_("Trend: {indicator}", indicator=trend.title), f"{trend.summary} {trend.note}".strip()))
    else:
        rows.append((_("Trend"), _("No indicator is linked to this recommendation's statuses, so no trend is "
                                   "shown.")))
    table = Table([[_para(label, "small"), _para(value, "cell")] for label, value in rows],
                  colWidths=[1.55 * inch, WIDTH - 1.55 * inch], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return [Spacer(1, 3), table]


def progress_pdf(brief: ProgressBrief) -> bytes:
    """The progress brief of a priority list as a PDF handout."""
    _ = translator(brief.lang)
    out = io.BytesIO()
    title = _("{name}: progress brief", name=brief.list_name)
    doc, decorate = _document(
        out, title, (_("Human rights city dashboard · {city}", city=brief.city_name), _("Progress brief")),
        _("{name} · brief of {date} · data snapshot built {built}", name=brief.list_name, date=brief.generated,
          built=brief.snapshot_built), brief.lang)
    labels = {s: status_label(s, brief.lang) for s in STATUS_LABELS}
    tracks = {t: track_label(t, brief.lang) for t in TRACK_LABELS}
    story = [
        _para(brief.list_name, "title"),
        _para(_("Progress brief · UPR recommendations · {city}", city=brief.city_name), "subtitle"),
        _para(_("Priority list version {version}, saved {saved}. Prepared {date} from the tracker and the data "
                "snapshot built {built}.", version=brief.list_version, saved=brief.list_saved, date=brief.generated,
                built=brief.snapshot_built), "meta"),
    ]
    if brief.description:
        story += [_para(brief.description, "body"), Spacer(1, 6)]
    if brief.items:
        story.append(_image(staticmap.status_chart(brief.counts, labels, tracks, brief.lang), WIDTH,
                            WIDTH * 2.0 / 6.8))
        story += [Spacer(1, 4), _counts_table(brief)]
    story += [Spacer(1, 6), _para(_("Each recommendation has two statuses, kept apart: what the city government "
                                    "claims, and the community's own assessment. Recommendation texts and themes "
                                    "are the official ones, in English."), "small")]
    if brief.has_margins:
        story.append(_para(how_to_read(brief.lang), "small"))
    heading = [_para(_("The recommendations"), "h1")]
    if not brief.items:
        story += [*heading, _para(_("This list has no recommendations yet."), "body")]
    for n, item in enumerate(brief.items):
        story += _recommendation_block(item.recommendation, brief.lang, item.position, _item_details(item, brief.lang),
                                       before=heading if n == 0 else ())
    if brief.list_actions:
        story += [CondPageBreak(1.2 * inch), _para(_("The campaign on the whole list"), "h2")]
        story += [_para(line, "body") for line in brief.list_actions]
    trends = [t for t in brief.trends if t.has_series]
    if trends:
        story += [CondPageBreak(2.6 * inch), _para(_("Trends of the linked indicators, whole city"), "h1"),
                  _image(staticmap.city_trends_chart(trends, brief.lang), WIDTH, WIDTH * 2.2 / 6.8)]
    story += _sources_section(brief.sources, brief.lang, brief.generated, brief.snapshot_built)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()
