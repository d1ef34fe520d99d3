"""Hover, completion, signature help, navigation, rename, outline, folding, selection, formatting,
semantic tokens, inlay hints and code lenses, on real HyperCode with and without errors."""

import pytest
from lsp_helpers import apply_text_edits, doc_id, open_doc, pos, rng
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

PROGRAM = """\
import math
import helpers

# Work out the area of a circle.
# Uses math.pi.
def area(radius, scale=1):
    result = math.pi * radius ** 2
    return result * scale


def report(items):
    total = 0
    for item in items:
        total += area(item)
    words = "a b".split()
    words.append("c")
    print(helpers.greet("Ada"), len(words))
    return total


radius = 2
print(area(radius), area(3, scale=2))
print(round(3.14159, 2))
"""

BROKEN = PROGRAM + "\ndef oops(:\n    x = [1, 2\nprint(area(\n"


@pytest.fixture(scope="module")
def program_uri():
    return {}


async def program(client, text=PROGRAM):
    return await open_doc(client, text)


async def hover_at(client, uri, line, character):
    return await client.text_document_hover_async(t.HoverParams(text_document=doc_id(uri), position=pos(line, character)))


@pytest.mark.parametrize("text", [PROGRAM, BROKEN])
async def test_hover(client, text):
    uri = await program(client, text)
    user = await hover_at(client, uri, 21, 7)                       # area( in the call
    assert "def area(radius, scale=1)" in user.contents.value
    assert "Work out the area of a circle.\nUses math.pi." in user.contents.value
    builtin = await hover_at(client, uri, 16, 4)                     # print
    assert "Show values on the screen" in builtin.contents.value and "Example" in builtin.contents.value
    method = await hover_at(client, uri, 15, 11)                     # words.append
    assert "Add an item to the end." in method.contents.value
    param = await hover_at(client, uri, 6, 25)                       # radius inside area
    assert "parameter" in param.contents.value
    member = await hover_at(client, uri, 16, 20)                     # helpers.greet
    assert 'def greet(name, greeting="Hello")' in member.contents.value
    assert "Say hello to someone." in member.contents.value


async def test_hover_shows_why_of_a_diagnostic(client):
    uri = await open_doc(client, "print(nope)\n")
    found = await hover_at(client, uri, 0, 7)
    assert "HC1001" in found.contents.value and "before it can be used" in found.contents.value


async def completion_at(client, uri, line, character):
    result = await client.text_document_completion_async(t.CompletionParams(
        text_document=doc_id(uri), position=pos(line, character)))
    items = result.items if isinstance(result, t.CompletionList) else result
    return {item.label: item for item in items}


async def test_completion_names_keywords_builtins_snippets(client):
    uri = await program(client)
    items = await completion_at(client, uri, 12, 8)                  # inside report()'s for body
    for label in ("total", "items", "item", "area", "report", "radius", "print", "len", "while", "return"):
        assert label in items, label
    if client.client_name == "visual-studio-code":
        assert items["def"].kind in (t.CompletionItemKind.Snippet, t.CompletionItemKind.Keyword)
        snippets = [i for i in items.values() if i.insert_text_format == t.InsertTextFormat.Snippet]
        assert {"def", "if", "for", "while", "match"} <= {s.label for s in snippets}
    resolved = await client.completion_item_resolve_async(items["len"])
    assert "How many items" in resolved.documentation.value
    resolved = await client.completion_item_resolve_async(items["area"])
    assert "def area" in resolved.documentation.value


async def test_completion_methods_after_dot(client):
    text = PROGRAM + "words = 'a'.split()\nwords.\nname = 'x'\nname.\nmath.\nhelpers.\n"
    uri = await open_doc(client, text)
    last = len(PROGRAM.split("\n")) - 1
    lists = await completion_at(client, uri, last + 1, 6)
    assert {"append", "pop", "sort"} <= set(lists) and "upper" not in lists
    strings = await completion_at(client, uri, last + 3, 5)
    assert {"upper", "split", "strip"} <= set(strings)
    maths = await completion_at(client, uri, last + 4, 5)
    assert {"sqrt", "pi"} <= set(maths)
    module = await completion_at(client, uri, last + 5, 8)
    assert {"greet", "PI_ISH"} <= set(module)
    resolved = await client.completion_item_resolve_async(module["greet"])
    assert "Say hello to someone." in resolved.documentation.value


async def test_signature_help(client):
    uri = await open_doc(client, PROGRAM + "area(2, \nround(1.5, \n")
    last = len(PROGRAM.split("\n")) - 1
    help_ = await client.text_document_signature_help_async(t.SignatureHelpParams(
        text_document=doc_id(uri), position=pos(last, 8)))
    assert help_.signatures[0].label == "area(radius, scale=1)"
    assert help_.active_parameter == 1
    help_ = await client.text_document_signature_help_async(t.SignatureHelpParams(
        text_document=doc_id(uri), position=pos(last + 1, 6)))
    assert help_.signatures[0].label.startswith("round(") and help_.active_parameter == 0


async def test_definition_local_and_across_files(client):
    uri = await program(client)
    found = await client.text_document_definition_async(t.DefinitionParams(
        text_document=doc_id(uri), position=pos(21, 7)))
    locations = found if isinstance(found, list) else [found]
    assert locations[0].uri == uri and locations[0].range == rng(5, 4, 5, 8)
    found = await client.text_document_definition_async(t.DefinitionParams(
        text_document=doc_id(uri), position=pos(16, 19)))               # helpers.greet
    location = (found if isinstance(found, list) else [found])[0]
    assert location.uri.endswith("/helpers.hc") and location.range == rng(2, 4, 2, 9)
    found = await client.text_document_definition_async(t.DefinitionParams(
        text_document=doc_id(uri), position=pos(1, 9)))                 # import helpers
    assert (found if isinstance(found, list) else [found])[0].uri.endswith("/helpers.hc")


async def test_references_and_highlights(client):
    uri = await program(client)
    refs = await client.text_document_references_async(t.ReferenceParams(
        text_document=doc_id(uri), position=pos(5, 5), context=t.ReferenceContext(include_declaration=True)))
    assert [r.range.start.line for r in refs] == [5, 13, 21, 21]
    marks = await client.text_document_document_highlight_async(t.DocumentHighlightParams(
        text_document=doc_id(uri), position=pos(11, 5)))             # total
    kinds = {(m.range.start.line, m.kind) for m in marks}
    assert (11, t.DocumentHighlightKind.Write) in kinds and (17, t.DocumentHighlightKind.Read) in kinds


async def test_rename(client):
    uri = await program(client)
    prepared = await client.text_document_prepare_rename_async(t.PrepareRenameParams(
        text_document=doc_id(uri), position=pos(5, 5)))
    assert prepared.placeholder == "area"
    edit = await client.text_document_rename_async(t.RenameParams(
        text_document=doc_id(uri), position=pos(5, 5), new_name="circle_area"))
    renamed = apply_text_edits(PROGRAM, edit.changes[uri], client.encoding)
    assert "area(" not in renamed.replace("circle_area(", "") and renamed.count("circle_area") == 4


@pytest.mark.parametrize("where, words", [((16, 5), "built-in"), ((12, 5), "keyword"), ((0, 2), "keyword")])
async def test_rename_refuses_builtins_and_keywords(client, where, words):
    uri = await program(client)
    with pytest.raises(JsonRpcException) as refused:
        await client.text_document_prepare_rename_async(t.PrepareRenameParams(
            text_document=doc_id(uri), position=pos(*where)))
    assert words in str(refused.value)


async def test_rename_refuses_a_bad_new_name(client):
    uri = await program(client)
    with pytest.raises(JsonRpcException) as refused:
        await client.text_document_rename_async(t.RenameParams(
            text_document=doc_id(uri), position=pos(5, 5), new_name="for"))
    assert "can't be a name" in str(refused.value)


@pytest.mark.parametrize("text", [PROGRAM, BROKEN])
async def test_document_symbols_are_nested(client, text):
    uri = await program(client, text)
    symbols = await client.text_document_document_symbol_async(t.DocumentSymbolParams(text_document=doc_id(uri)))
    names = [s.name for s in symbols]
    assert names[:4] == ["math", "helpers", "area", "report"] and "radius" in names
    report = symbols[3]
    assert report.kind == t.SymbolKind.Function and report.range.start.line == 10
    assert {c.name for c in report.children} >= {"total", "words"}


async def test_workspace_symbols(client):
    await program(client)
    found = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="gre"))
    assert any(s.name == "greet" and s.location.uri.endswith("helpers.hc") for s in found)
    found = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="report"))
    assert any(s.name == "report" for s in found)


async def test_folding_and_selection_ranges(client):
    uri = await program(client)
    folds = await client.text_document_folding_range_async(t.FoldingRangeParams(text_document=doc_id(uri)))
    spans = {(f.start_line, f.end_line) for f in folds}
    assert (5, 7) in spans and (10, 17) in spans and (12, 13) in spans
    assert any(f.kind == t.FoldingRangeKind.Comment and (f.start_line, f.end_line) == (3, 4) for f in folds)
    (chain,) = await client.text_document_selection_range_async(t.SelectionRangeParams(
        text_document=doc_id(uri), positions=[pos(13, 25)]))
    widths = []
    node = chain
    while node is not None:
        widths.append(node.range)
        node = node.parent
    assert widths[0] == rng(13, 22, 13, 26)                          # `item`
    assert widths[-1].start == pos(0, 0) and len(widths) >= 5


async def test_formatting(client):
    messy = "x=1\nif x==1 :\n  print( x )\n"
    uri = await open_doc(client, messy)
    edits = await client.text_document_formatting_async(t.DocumentFormattingParams(
        text_document=doc_id(uri), options=t.FormattingOptions(tab_size=4, insert_spaces=True)))
    assert apply_text_edits(messy, edits, client.encoding) == "x = 1\nif x == 1:\n    print(x)\n"
    edits = await client.text_document_range_formatting_async(t.DocumentRangeFormattingParams(
        text_document=doc_id(uri), range=rng(0, 0, 0, 3), options=t.FormattingOptions(tab_size=4, insert_spaces=True)))
    assert apply_text_edits(messy, edits, client.encoding) == "x = 1\nif x==1 :\n  print( x )\n"


async def test_formatting_refuses_syntax_errors(client):
    uri = await open_doc(client, "x = (1,\nprint(x\n")
    edits = await client.text_document_formatting_async(t.DocumentFormattingParams(
        text_document=doc_id(uri), options=t.FormattingOptions(tab_size=4, insert_spaces=True)))
    assert not edits
    assert any("syntax errors" in m.message for m in client.log_messages)


@pytest.mark.parametrize("text", [PROGRAM, BROKEN])
async def test_semantic_tokens(client, text):
    uri = await program(client, text)
    full = await client.text_document_semantic_tokens_full_async(t.SemanticTokensParams(text_document=doc_id(uri)))
    assert len(full.data) % 5 == 0 and len(full.data) > 50
    decoded, line, start = [], 0, 0
    types = ["namespace", "function", "parameter", "variable", "method", "property"]
    for i in range(0, len(full.data), 5):
        dl, ds, length, kind, mods = full.data[i:i + 5]
        line += dl
        start = start + ds if dl == 0 else ds
        decoded.append((line, start, length, types[kind], mods))
    assert (5, 4, 4, "function", 1) in decoded                        # def area: declaration
    assert (6, 4, 6, "variable", 1) in decoded                        # result =
    assert (6, 13, 4, "namespace", 0) in decoded                      # math
    assert (15, 10, 6, "method", 2) in decoded                        # .append
    part = await client.text_document_semantic_tokens_range_async(t.SemanticTokensRangeParams(
        text_document=doc_id(uri), range=rng(5, 0, 7, 0)))
    assert 0 < len(part.data) < len(full.data)


async def test_inlay_hints(client):
    uri = await program(client)
    found = await client.text_document_inlay_hint_async(t.InlayHintParams(text_document=doc_id(uri),
                                                                          range=rng(0, 0, 23, 0)))
    labels = {(h.position.line, h.position.character, h.label) for h in found}
    assert (21, 25, "radius:") in labels                              # area(3, ...)
    assert (22, 12, "number:") in labels and (22, 21, "ndigits:") in labels
    assert not any(line == 21 and char == 11 for line, char, _ in labels)    # area(radius): same name
    assert (13, 22, "radius:") in labels


async def test_code_lens_runs_each_def_that_needs_no_arguments(client):
    uri = await program(client, PROGRAM + "\ndef main():\n    report([1])\n\ndef hello(name=\"you\"):\n    print(name)\n")
    lenses = await client.text_document_code_lens_async(t.CodeLensParams(text_document=doc_id(uri)))
    # area(radius, ...) and report(items) need arguments, so "▶ Run area()" would only fail
    assert [(lens.range.start.line, lens.command.title, lens.command.command, list(lens.command.arguments))
            for lens in lenses] == [(24, "▶ Run main()", "hypercode.runFunction", [uri, "main"]),
                                    (27, "▶ Run hello()", "hypercode.runFunction", [uri, "hello"])]


async def test_requests_right_after_an_edit_see_the_new_text(client):
    from lsp_helpers import change
    uri = await open_doc(client, "x = 1\n")
    for i in range(5):
        change(client, uri, text=f"def longer_name_{i}(a):\n    return a\n")
        found = await hover_at(client, uri, 0, 6)          # sent before any diagnostics come back
        assert f"def longer_name_{i}(a)" in found.contents.value
        symbols = await client.text_document_document_symbol_async(t.DocumentSymbolParams(text_document=doc_id(uri)))
        assert [s.name for s in symbols] == [f"longer_name_{i}"]
