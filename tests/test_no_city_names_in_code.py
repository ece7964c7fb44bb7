"""A city is data, not code: no city's, county's or city publisher's name stands in the app's or the library's code.

The names come from a city's config and its snapshot's manifest. Docstrings may name a city in an example
(``load_city("pittsburgh")``); code, comments and messages may not.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
CITY_WORDS = re.compile(r"pittsburgh|allegheny|visionpitts|wprdc", re.IGNORECASE)


def docstring_lines(tree: ast.AST) -> set[int]:
    """The line numbers of every module, class and function docstring."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
                    first.value.value, str):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def city_names_in(paths: list[Path], root: Path = ROOT) -> list[str]:
    found = []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        tolerated = docstring_lines(ast.parse(source))
        for number, line in enumerate(source.splitlines(), start=1):
            if CITY_WORDS.search(line) and number not in tolerated:
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()[:100]}")
    return found


def python_files(*places: str) -> list[Path]:
    files = []
    for place in places:
        path = ROOT / place
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def test_the_pages_and_their_helpers_name_no_city():
    files = python_files("ui", "app_pages", "dashboard.py")
    assert len(files) > 15
    found = city_names_in(files)
    assert not found, "city-specific names in the app's code:\n" + "\n".join(found)


def test_the_library_names_no_city():
    found = city_names_in(python_files("indicators"))
    assert not found, "city-specific names in the library's code:\n" + "\n".join(found)


def test_the_check_finds_a_name_in_code_and_tolerates_one_in_a_docstring(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""Open ``load_city("pittsburgh")``."""\n\nCOUNTY = "Allegheny County"  # WPRDC\n',
                      encoding="utf-8")
    assert city_names_in([sample], tmp_path) == ['sample.py:3: COUNTY = "Allegheny County"  # WPRDC']
