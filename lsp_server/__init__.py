"""The HyperCode language server (`hypercode-lsp`): `lsp_server.server.create_server()` gives a
fresh pygls server; `lsp_server.ws` serves one per WebSocket connection."""
