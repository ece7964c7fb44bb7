"""The headline figures a finished AppTest run shows (:func:`ui.evidence.figure`), as the reader reads them."""

from __future__ import annotations

from tests.english import plain
from ui.evidence import FIGURE_KEY


def figures(at) -> dict[str, list[str]]:
    """Each headline figure of the page, by its label: ``[figure]`` or ``[figure, note]``, without the backslashes
    that escape Markdown."""
    found: dict[str, list[str]] = {}

    def walk(node, inside: bool) -> None:
        proto = getattr(node, "proto", None)
        block_id = getattr(proto, "id", "") if type(proto).__name__ == "Block" else ""
        inside = inside or block_id.rsplit("-", 1)[-1].startswith(FIGURE_KEY)
        if inside and type(node).__name__ == "Markdown":
            label, *rest = [plain(line) for line in node.value.split("\n\n")]
            found[label] = rest
        for child in getattr(node, "children", {}).values():
            walk(child, inside)

    walk(at._tree, False)
    return found
