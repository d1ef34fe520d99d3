"""Diagnostics (push and pull), quick fixes, the Explain action, settings, incremental sync."""

import pathlib
import urllib.parse
import urllib.request

import pytest
from lsp_helpers import (apply_text_edits, change, command_of, doc_id, eventually, open_doc, pos, pull,
                         request_actions, rng, shown)
from lsprotocol import types as t

# (source, code the fix must remove)
FIXABLE = [
    ("mesage = 1\nprint(mesage)\nprint(mesag)\n", "HC1001"),
    ("x = 2\nif x = 1:\n    pass\n", "HC0006"),
    ('print "hi"\n', "HC0007"),
    ("if True\n    print(1)\n", "HC0002"),
    ("x = (1, 2\nprint(x)\n", "HC0003"),
    ('s = "abc\n', "HC0004"),
    ("def f():\n    retrun 5\n", "HC0008"),
    ("xs = [1]\nxs.apend(2)\n", "HC2006"),
    ("import math\nprint(math.sqr(2))\n", "HC2006"),
    ("while True:\nbreak\n", "HC0005"),
    ("try:\n    pass\nexcept ValeuError:\n    pass\n", "HC1001"),
    ('print("😀", "🎉", naem)\nname = 1\n', "HC1001"),
]


async def test_push_and_pull_agree(client):
    uri = await open_doc(client, "mesage = 'hi'\nprint(message)\n")
    pushed = await shown(client, uri)
    pulled = await pull(client, uri)
    assert [(d.code, d.range) for d in pushed] == [(d.code, d.range) for d in pulled]
    (d,) = pulled
    assert d.code == "HC1001"
    assert d.range == rng(1, 6, 1, 13)
    assert d.severity == t.DiagnosticSeverity.Error
    page = urllib.parse.urlparse(d.code_description.href)
    assert page.scheme == "file" and page.path.endswith("/reference/errors/HC1001.md")
    assert "Unknown name" in pathlib.Path(urllib.request.url2pathname(page.path)).read_text()
    assert d.source == "hypercode"
    assert "why" in d.data and d.data["why"]
    first, second = d.message.split("\n")
    assert "message" in first and second == "Quick fix: Change 'message' to 'mesage'."


async def test_severities_map_from_the_catalogue(client):
    uri = await open_doc(client, 'def f():\n    unused = 2\n    return 1\nprint "hi"\nprint(f(1))\n')
    by_code = {d.code: d.severity for d in await pull(client, uri)}
    assert by_code["HC1002"] == t.DiagnosticSeverity.Warning
    assert by_code["HC0007"] == t.DiagnosticSeverity.Hint
    assert by_code["HC1003"] == t.DiagnosticSeverity.Error


@pytest.mark.parametrize("source, code", FIXABLE)
async def test_each_quick_fix_removes_its_diagnostic(client, source, code):
    uri = await open_doc(client, source)
    target = next(d for d in await pull(client, uri) if d.code == code)
    actions = await request_actions(client, uri, target)
    fixes = [a for a in actions if getattr(a, "edit", None) is not None]
    assert fixes, f"no quick fix offered for {code}"
    assert fixes[0].is_preferred is True
    assert fixes[0].kind == t.CodeActionKind.QuickFix
    # the catalogue's own actions come first: fixes, then Explain (agent actions may follow)
    titles = [a.title for a in actions]
    explain = actions[titles.index("Explain this error")]
    assert list(actions[:len(fixes) + 1]) == fixes + [explain]
    assert command_of(explain).command == "hypercode.explain" and command_of(explain).arguments == [code]
    for fix in fixes:
        fixed = apply_text_edits(source, fix.edit.changes[uri], client.encoding)
        change(client, uri, text=fixed)
        after = await pull(client, uri)
        assert not [d for d in after if d.code == code and d.range == target.range], (fix.title, fixed)
        change(client, uri, text=source)


async def test_explain_action_for_a_diagnostic_without_fixes(client):
    uri = await open_doc(client, "return 1\n")
    (d,) = await pull(client, uri)
    actions = await request_actions(client, uri, d)
    assert [a.title for a in actions][:1] == ["Explain this error"]
    assert not [a for a in actions if getattr(a, "edit", None) is not None]   # no fix to offer


async def test_incremental_edits_update_diagnostics(client):
    uri = await open_doc(client, "name = 1\nprint(name)\n")
    assert not await shown(client, uri)
    change(client, uri, [(rng(1, 6, 1, 10), "nme")])           # print(nme)
    found = await eventually(client, uri, lambda ds: [d.code for d in ds] == ["HC1001"])
    assert found[0].range == rng(1, 6, 1, 9)
    change(client, uri, [(rng(0, 0, 0, 0), "# a comment\n\n")])  # everything moves down two lines
    await eventually(client, uri, lambda ds: ds and ds[0].range.start.line == 3)
    change(client, uri, [(rng(3, 6, 3, 9), "name")])
    await eventually(client, uri, lambda ds: not ds)


async def test_astral_characters_use_client_units(client):
    uri = await open_doc(client, 'print("😀😀", naem)\n')
    (d,) = await pull(client, uri)
    expected = {"utf-16": 14, "utf-8": 18, "utf-32": 12}[client.encoding]
    assert d.range.start.character == expected
    assert d.range.end.character == expected + 4


async def test_documents_with_many_syntax_errors(client):
    source = "def f(:\n    x = [1, 2\n\nif y\n    print 'a'\nwhile True:\nbreak\nclass A:\n    pass\n"
    uri = await open_doc(client, source)
    codes = {d.code for d in await pull(client, uri)}
    assert {"HC0003", "HC0009"} <= codes


async def test_settings_plain_style_limit_and_hints(client):
    source = 'print "a"\nprint(nope)\nprint(nada)\nprint(zilch)\n'
    uri = await open_doc(client, source)
    before = await pull(client, uri)
    assert "\n" in before[1].message and any(d.code == "HC0007" for d in before)
    client.set_configuration({"diagnostics": {"style": "plain", "maxPerFile": 2}, "hints": {"enabled": False}},
                             section="hypercode")
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))
    await eventually(client, uri, lambda ds: len(ds) == 2)
    after = await pull(client, uri)
    assert len(after) == 2
    assert all("\n" not in d.message and d.code == "HC1001" for d in after)
    hints = await client.text_document_inlay_hint_async(t.InlayHintParams(
        text_document=doc_id(uri), range=rng(0, 0, 4, 0)))
    assert not hints
    from lsp_helpers import SETTINGS
    client.set_configuration(SETTINGS, section="hypercode")
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))
    await eventually(client, uri, lambda ds: len(ds) == 4)


async def test_close_clears_diagnostics(client):
    uri = await open_doc(client, "print(nope)\n")
    assert await shown(client, uri)
    client.text_document_did_close(t.DidCloseTextDocumentParams(text_document=doc_id(uri)))
    await eventually(client, uri, lambda ds: not ds)
    assert pos(0, 0)


async def test_saving_a_new_sibling_module_rechecks_imports(client):
    uri = await open_doc(client, "import shapes\nprint(shapes.side)\n")
    assert [d.code for d in await pull(client, uri)] == ["HC1001"]
    sibling = client.workspace_root / "shapes.hc"
    sibling.write_text("side = 3\n", encoding="utf-8")
    try:
        client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=doc_id(sibling.as_uri())))
        await eventually(client, uri, lambda ds: not ds)
        assert await pull(client, uri) == []
    finally:
        sibling.unlink()
