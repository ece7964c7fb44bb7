"""A compiled report as a PDF (US Letter), laid out with the briefs' styles: the same blocks as the Word document,
so both files say the same words. Every text goes through :func:`indicators.briefs.pdf.text` (escaped)."""

from __future__ import annotations

import io

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, Spacer

from indicators.briefs import pdf
from indicators.briefs.report import Report
from indicators.core.i18n import translator


def _styles() -> dict[str, ParagraphStyle]:
    base = pdf.styles()
    body = ParagraphStyle("report_body", parent=base["body"], fontSize=10.5, leading=14, spaceAfter=5)
    return {
        "title": ParagraphStyle("report_title", parent=base["title"], fontSize=22, leading=27, spaceAfter=10),
        "subtitle": ParagraphStyle("report_subtitle", parent=base["subtitle"], fontSize=12, leading=16,
                                   spaceAfter=6),
        "meta": ParagraphStyle("report_meta", parent=body, textColor=pdf.INK),
        "heading": base["h1"],
        "subheading": base["h2"],
        "para": body,
        "official": ParagraphStyle("report_official", parent=body, leftIndent=14, fontName=pdf.FONT + "-Oblique",
                                   textColor=pdf.MUTED),
        "quote": ParagraphStyle("report_quote", parent=body, leftIndent=22, rightIndent=22,
                                fontName=pdf.FONT + "-Oblique"),
        "small": ParagraphStyle("report_small", parent=base["small"], spaceAfter=3),
    }


def report_pdf(report: Report) -> bytes:
    """The report as a PDF with numbered paragraphs and numbered pages."""
    _ = translator(report.lang)
    styles = _styles()
    out = io.BytesIO()
    kind = _("Stakeholder submission") if report.template == "stakeholder" else _("Local report")
    doc, decorate = pdf._document(out, report.title, (report.city_name, kind),
                                  _("{title} · {date}", title=report.title, date=report.generated), report.lang)
    story = []
    for block in report.blocks:
        if block.kind == "pagebreak":
            story.append(PageBreak())
        elif block.kind == "title":
            story += [Spacer(1, 90), Paragraph(pdf.text(block.text), styles["title"])]
        else:
            story.append(Paragraph(pdf.text(block.shown), styles[block.kind]))
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()
