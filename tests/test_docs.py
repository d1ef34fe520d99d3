"""The project's documents stand on their own in a clone: every relative link resolves inside the
repository, nothing points outside it, and the error reference is generated from the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hypercode_lang.diagnostics import CATALOGUE
from hypercode_lang.diagnostics import pages

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
DOCUMENTS = sorted({*ROOT.glob("*.md"), *ROOT.glob("docs/**/*.md"), *ROOT.glob("*/README.md"),
                    *(ROOT / "hypercode_lang" / "reference").rglob("*.md")})


def relative_links(path: Path):
    for target in LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        yield target.split("#", 1)[0]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_resolve_inside_the_repository(document):
    for target in relative_links(document):
        resolved = (document.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{document.name} links outside the repository: {target}"
        assert resolved.exists(), f"{document.name} links to a missing file: {target}"


def test_no_document_links_to_the_web_for_project_facts():
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        assert "shared/spec" not in text, f"{document.name} points at the steering folder"
        assert "hypercode.dev" not in text, f"{document.name} points at a site that does not exist"


def test_error_pages_are_current():
    for path, text in pages.expected_files().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run python -m hypercode_lang.diagnostics.pages"
    assert (ROOT / "docs" / "errors.md").read_text(encoding="utf-8") == pages.index_page("../hypercode_lang/reference/errors/")


def test_every_code_has_a_page_with_its_explanation():
    for code, entry in CATALOGUE.items():
        page = Path(pages.page_uri(code).removeprefix("file://")).read_text(encoding="utf-8")
        assert page.startswith(f"# {code}: {entry.title}") and entry.explanation in page


def test_language_reference_covers_every_code_and_keyword():
    reference = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    for word in ("match", "case", "import", "try", "assert", "raise", "while", "for", "def"):
        assert f"`{word}" in reference
    index = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    for code in CATALOGUE:
        assert code in index
