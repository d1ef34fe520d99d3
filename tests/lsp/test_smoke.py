from lsprotocol import types as t

from lsp_helpers import doc_id, open_doc, pos, pull


async def test_diagnostics_and_hover(client):
    uri = await open_doc(client, "mesage = 'hi'\nprint(message)\n")
    diags = client.diagnostics[uri]
    assert [d.code for d in diags] == ["HC1001"]
    assert (await pull(client, uri))[0].code == "HC1001"
    hover = await client.text_document_hover_async(t.HoverParams(text_document=doc_id(uri), position=pos(1, 2)))
    assert "Show values" in hover.contents.value
