"""A module and the files that import it (examples/shapes.hc): rename and references across
files, opened or not, from the definition and from a use; signature help, semantic tokens and
inlay hints on `shapes.area(...)` and `range(count)`."""

from pathlib import Path

import pytest
from lsp_helpers import apply_text_edits, doc_id, open_doc, pos
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SHAPES = (EXAMPLES / "shapes.hc").read_text(encoding="utf-8")
MAIN = "import shapes\n\nprint(shapes.area(2, 3))\nprint(shapes.circle_area(1))\n"
REPORT = "import shapes\n\ndef report(count):\n    for i in range(count):\n        print(shapes.area(i, 2))\n"
LONELY = "def area(w, h):\n    return w * h\n\nprint(area(1, 2))\n"   # its own area: no import
ELSEWHERE = "import shapes\n\nprint(shapes.area(1, 1))\n"           # sub/shapes.hc is a different module


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("modules")
    for name, text in {"shapes.hc": SHAPES, "main.hc": MAIN, "report.hc": REPORT, "lonely.hc": LONELY}.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub" / "shapes.hc").write_text("def area(a, b):\n    return a\n", encoding="utf-8")
    (root / "sub" / "main.hc").write_text(ELSEWHERE, encoding="utf-8")
    return root


def line_of(text: str, needle: str) -> tuple[int, int]:
    for number, line in enumerate(text.split("\n")):
        if needle in line:
            return number, line.index(needle)
    raise AssertionError(needle)


def texts_after(client, edit: t.WorkspaceEdit, originals: dict[str, str]) -> dict[str, str]:
    return {Path(uri.removeprefix("file://")).name if "/sub/" not in uri else "sub/" + Path(uri).name:
            apply_text_edits(originals[uri], edits, client.encoding) for uri, edits in edit.changes.items()}


async def test_rename_a_def_renames_its_uses_in_every_importing_file(client):
    root = client.workspace_root
    shapes_uri = (root / "shapes.hc").as_uri()
    report_uri = (root / "report.hc").as_uri()
    await open_doc(client, SHAPES, shapes_uri)
    # report.hc is open with an unsaved line: the buffer counts, not the file on disk
    report_buffer = REPORT + "print(shapes.area(9, 9))\n"
    await open_doc(client, report_buffer, report_uri)
    line, col = line_of(SHAPES, "def area")
    edit = await client.text_document_rename_async(t.RenameParams(
        text_document=doc_id(shapes_uri), position=pos(line, col + 5), new_name="rectangle_area"))
    originals = {shapes_uri: SHAPES, report_uri: report_buffer, (root / "main.hc").as_uri(): MAIN}
    assert set(edit.changes) == set(originals)          # not lonely.hc, not sub/main.hc
    after = texts_after(client, edit, originals)
    assert "def rectangle_area(width, height)" in after["shapes.hc"]
    assert "shapes.rectangle_area(2, 3)" in after["main.hc"] and "shapes.circle_area(1)" in after["main.hc"]
    assert after["report.hc"].count("shapes.rectangle_area(") == 2 and "shapes.area" not in after["report.hc"]


async def test_rename_from_a_use_in_an_importing_file(client):
    root = client.workspace_root
    main_uri = (root / "main.hc").as_uri()
    await open_doc(client, MAIN, main_uri)
    line, col = line_of(MAIN, "shapes.area")
    where = pos(line, col + len("shapes.") + 1)
    prepared = await client.text_document_prepare_rename_async(t.PrepareRenameParams(
        text_document=doc_id(main_uri), position=where))
    assert prepared.placeholder == "area" and prepared.range.start.character == col + len("shapes.")
    edit = await client.text_document_rename_async(t.RenameParams(
        text_document=doc_id(main_uri), position=where, new_name="rect"))
    shapes_uri = (root / "shapes.hc").as_uri()
    assert main_uri in edit.changes and shapes_uri in edit.changes
    assert (root / "sub" / "main.hc").as_uri() not in edit.changes
    fixed = apply_text_edits(SHAPES, edit.changes[shapes_uri], client.encoding)
    assert "def rect(width, height)" in fixed


async def test_references_across_files(client):
    root = client.workspace_root
    main_uri = (root / "main.hc").as_uri()
    await open_doc(client, MAIN, main_uri)
    line, col = line_of(MAIN, "shapes.area")
    found = await client.text_document_references_async(t.ReferenceParams(
        text_document=doc_id(main_uri), position=pos(line, col + 8),
        context=t.ReferenceContext(include_declaration=True)))
    names = sorted((Path(loc.uri).parent.name == "sub", Path(loc.uri).name, loc.range.start.line) for loc in found)
    def_line = line_of(SHAPES, "def area")[0]
    assert (False, "shapes.hc", def_line) in names
    assert (False, "main.hc", 2) in names and (False, "report.hc", 4) in names
    assert not any(in_sub for in_sub, _, _ in names) and not any(name == "lonely.hc" for _, name, _ in names)


async def test_rename_refuses_a_name_the_module_already_has(client):
    root = client.workspace_root
    shapes_uri = (root / "shapes.hc").as_uri()
    await open_doc(client, SHAPES, shapes_uri)
    line, col = line_of(SHAPES, "def area")
    with pytest.raises(JsonRpcException) as refused:
        await client.text_document_rename_async(t.RenameParams(
            text_document=doc_id(shapes_uri), position=pos(line, col + 5), new_name="circle_area"))
    assert "'circle_area' is already a function" in str(refused.value)
    assert f"line {line_of(SHAPES, 'def circle_area')[0] + 1} of shapes.hc" in str(refused.value)


async def test_signature_help_inside_a_module_function_call(client):
    root = client.workspace_root
    uri = (root / "typing.hc").as_uri()
    text = "import shapes\n\nshapes.area(2, \n"
    await open_doc(client, text, uri)
    found = await client.text_document_signature_help_async(t.SignatureHelpParams(
        text_document=doc_id(uri), position=pos(2, 15)))
    assert found is not None and found.signatures[0].label == "shapes.area(width, height)"
    assert found.active_parameter == 1


async def test_module_functions_are_not_built_in_methods(client):
    uri = await open_doc(client, MAIN, (client.workspace_root / "main.hc").as_uri())
    legend = ["namespace", "function", "parameter", "variable", "method", "property"]
    tokens = await client.text_document_semantic_tokens_full_async(t.SemanticTokensParams(text_document=doc_id(uri)))
    data, decoded, line, start = tokens.data, {}, 0, 0
    for i in range(0, len(data), 5):
        line += data[i]
        start = data[i + 1] if data[i] else start + data[i + 1]
        decoded[(line, start)] = (legend[data[i + 3]], data[i + 4])
    col = MAIN.split("\n")[2].index("area")
    assert decoded[(2, col)] == ("function", 0)        # no defaultLibrary: area is the user's function


async def test_range_with_one_argument_hints_stop(client):
    uri = await open_doc(client, REPORT, (client.workspace_root / "report.hc").as_uri())
    hints = await client.text_document_inlay_hint_async(t.InlayHintParams(
        text_document=doc_id(uri), range=t.Range(start=pos(0, 0), end=pos(5, 0))))
    labels = {(h.position.line, h.label) for h in hints}
    assert (3, "stop:") in labels and (3, "start:") not in labels
