"""A compiled report as a Word document (python-docx), which the coalition keeps editing: a cover page, numbered
paragraphs written as text (they survive any editing), page numbers in the footer, Times New Roman 12 as OHCHR's
guidelines for stakeholder submissions ask, and the document's language set for the spelling checker.

Text is given to python-docx as text: it is XML-escaped there, never read as markup.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from indicators.briefs.report import Report
from indicators.core.i18n import translator

FONT = "Times New Roman"  # i18n: not shown
LANGUAGE_TAGS = {"en": "en-US", "es": "es-US"}
MUTED = RGBColor(0x55, 0x5F, 0x6B)


def _page_number_field(paragraph) -> None:
    """A PAGE field: Word fills in the page number."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _set_language(style, tag: str) -> None:
    properties = style.element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), tag)
    properties.append(language)


def report_docx(report: Report) -> bytes:
    """The report as a .docx file."""
    _ = translator(report.lang)
    document = Document()
    normal = document.styles["Normal"]  # i18n: not shown
    normal.font.name = FONT
    normal.font.size = Pt(12)
    _set_language(normal, LANGUAGE_TAGS.get(report.lang, "en-US"))
    for name in ("Title", "Heading 1", "Heading 2", "Quote", "Subtitle"):  # i18n: not shown
        document.styles[name].font.name = FONT
    properties = document.core_properties
    properties.title = report.title
    properties.author = report.draft.outline.get("coalition") or ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.language = LANGUAGE_TAGS.get(report.lang, "en-US")
    properties.subject = _("Stakeholder submission") if report.template == "stakeholder" else _("Local report")
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run(_("Page") + " ")
    _page_number_field(footer)

    for block in report.blocks:
        if block.kind == "pagebreak":
            document.add_page_break()
        elif block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "subtitle":
            document.add_paragraph(block.text, style="Subtitle")  # i18n: not shown
        elif block.kind == "heading":
            document.add_heading(block.text, level=1)
        elif block.kind == "subheading":
            document.add_heading(block.text, level=2)
        elif block.kind == "official":
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Pt(18)
            paragraph.add_run(block.text).italic = True
        elif block.kind == "quote":
            document.add_paragraph(block.text, style="Quote")  # i18n: not shown
        elif block.kind in ("meta", "small"):
            run = document.add_paragraph().add_run(block.text)
            run.font.size = Pt(10 if block.kind == "small" else 12)
            if block.kind == "small":
                run.font.color.rgb = MUTED
        else:
            document.add_paragraph(block.shown)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
