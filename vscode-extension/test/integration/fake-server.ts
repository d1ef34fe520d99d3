// A stand-in for `hypercode-lsp` that speaks just enough LSP over stdio for the integration
// test. It appends what it sees (one JSON object per line) to the file in $HC_FAKE_LOG.
import { appendFileSync } from "node:fs";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";

const logFile = process.env.HC_FAKE_LOG;
const record = (event: string, data: unknown) => {
  if (logFile) {
    appendFileSync(logFile, JSON.stringify({ event, data, pid: process.pid }) + "\n");
  }
};

const conn = createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));

conn.onRequest("initialize", (params: { initializationOptions?: unknown }) => {
  record("initialize", { initializationOptions: params.initializationOptions });
  return { capabilities: { textDocumentSync: 1 }, serverInfo: { name: "fake-hypercode-lsp" } };
});

conn.onNotification("initialized", async () => {
  const pulled = await conn.sendRequest("workspace/configuration", {
    items: [{ section: "hypercode" }, { section: "hypercode.run" }, { section: "editor.tabSize" }],
  });
  record("configuration", pulled);
});

conn.onNotification("workspace/didChangeConfiguration", (params: unknown) => record("didChangeConfiguration", params));

conn.onRequest("hypercode/run", (params: { function?: string }) => {
  record("run", params);
  if (params.function === "loop_forever") {
    return { stdout: "", stderr: "", exit_code: 3, status: "timeout", duration: 30.0, diagnostics: [] };
  }
  return {
    stdout: "Hello, Ada!\n",
    stderr: "a note on stderr\n",
    exit_code: 0,
    status: "success",
    duration: 0.012,
    diagnostics: [],
  };
});

conn.onRequest("hypercode/explain", (params: { code: string }) => {
  record("explain", params);
  return { code: params.code, title: "Unknown name", explanation: "A name must be **defined** before it is used." };
});

conn.onRequest("shutdown", () => {
  record("shutdown", null);
  return null;
});
conn.onNotification("exit", () => process.exit(0));
conn.listen();
