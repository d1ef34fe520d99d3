"""The error reference: one Markdown page per diagnostic code, generated from the catalogue.

The pages ship inside the package (`hypercode_lang/reference/errors/HCxxxx.md`), so the link a
diagnostic carries (LSP `codeDescription.href`) always points at a page that exists: a `file:` URI
for editors on this machine, or `/docs/errors/HCxxxx` when `hypercode-web` serves them. A test
regenerates them and fails if the shipped copies are stale:

    python -m hypercode_lang.diagnostics.pages   # rewrite the shipped pages and the index
"""

from __future__ import annotations

import sys
from pathlib import Path

from .catalogue import CATALOGUE

PAGES = Path(__file__).resolve().parent.parent / "reference" / "errors"
INDEX = Path(__file__).resolve().parents[2] / "docs" / "errors.md"
SEVERITY_WORDS = {"error": "an error", "warning": "a warning", "hint": "a hint"}


def error_page(code: str) -> str:
    """The Markdown page for one code."""
    item = CATALOGUE[code]
    return (f"# {item.code}: {item.title}\n\n"
            f"This is {SEVERITY_WORDS.get(item.severity, item.severity)}.\n\n"
            f"**Why it matters.** {item.why}\n\n{item.explanation}\n\n"
            f"The same text is printed by `hcvm explain {item.code}`. "
            f"[Every code](index.md)\n")


def index_page(link_prefix: str = "") -> str:
    rows = "\n".join(f"| [{item.code}]({link_prefix}{item.code}.md) | {item.title} | {item.severity} |"
                     for item in CATALOGUE.values())
    return ("# Diagnostic codes\n\nEvery message HyperCode shows has a stable code. "
            "Each page says what happened, why it matters and how to fix it.\n\n"
            f"| code | title | severity |\n| --- | --- | --- |\n{rows}\n")


def page_uri(code: str) -> str:
    """The `file:` URI of the shipped page for `code`."""
    return (PAGES / f"{code}.md").as_uri()


def expected_files() -> dict[Path, str]:
    files = {PAGES / f"{code}.md": error_page(code) for code in CATALOGUE}
    files[PAGES / "index.md"] = index_page()
    return files


def write_pages() -> list[Path]:
    """Write every page (and the repository's docs/errors.md index); return what changed."""
    changed = []
    files = expected_files()
    if INDEX.parent.is_dir():  # in a clone; an installed package has no docs/ folder
        files[INDEX] = index_page("../hypercode_lang/reference/errors/")
    PAGES.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for stale in PAGES.glob("*.md"):
        if stale not in files:
            stale.unlink()
            changed.append(stale)
    return changed


if __name__ == "__main__":
    for path in write_pages():
        print(f"wrote {path}")
    sys.exit(0)


# ---------------------------------------------------------------- HTML, for hypercode-web

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font:1.05rem/1.6 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;
color:#1d2a33;background:#fbfaf7}}pre,code{{font-family:ui-monospace,monospace;background:#eef1ee;
border-radius:4px}}pre{{padding:.75rem;overflow-x:auto}}code{{padding:0 .2em}}a{{color:#245a7a}}
@media (prefers-color-scheme: dark){{body{{background:#1c2226;color:#e4e9ec}}pre,code{{background:#2a3338}}
a{{color:#9fcbe8}}}}</style></head><body><main>
{body}
</main></body></html>
"""


def _inline(text: str) -> str:
    import html
    import re
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"\[([^\]]+)\]\(([A-Za-z0-9_.-]+)\.md\)", r'<a href="\2">\1</a>', out)


def to_html(markdown: str, title: str) -> str:
    """The small Markdown subset the pages use: headings, paragraphs, indented code, inline code,
    bold and links between pages."""
    import html
    blocks, paragraph, code = [], [], []

    def flush():
        if paragraph:
            blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if code:
            blocks.append("<pre><code>" + html.escape("\n".join(code).strip("\n")) + "</code></pre>")
            code.clear()

    for line in markdown.splitlines():
        if line.startswith("    ") and not paragraph:
            code.append(line[4:])
        elif not line.strip():
            if code:
                code.append("")
            else:
                flush()
        elif line.startswith("# "):
            flush()
            blocks.append(f"<h1>{_inline(line[2:])}</h1>")
        elif line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(set(c) <= set("- ") for c in cells):
                blocks.append("<p>" + " · ".join(_inline(c) for c in cells) + "</p>")
        else:
            if code:
                flush()
            paragraph.append(line.strip())
    flush()
    return _PAGE.format(title=html.escape(title), body="\n".join(blocks))


def page_html(name: str) -> str | None:
    """`HC1001` or `index` → the page as HTML, or None for a name that isn't a code."""
    code = name.upper()
    if code in CATALOGUE:
        return to_html(error_page(code), f"{code}: {CATALOGUE[code].title}")
    if name in ("", "index"):
        return to_html(index_page().replace(".md)", ")"), "Diagnostic codes")
    return None
