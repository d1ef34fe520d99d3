// Integration smoke test: the real bundle (dist/extension.js) with a mock `vscode` module
// (./vscode-mock.ts) and a fake language server (./fake-server.ts) over stdio.
// It checks the wiring a unit test can't: activation, server discovery and start-up,
// initializationOptions, workspace/configuration, the custom requests and the commands.
// It is not VS Code: see the README's "What is not tested here".
import assert from "node:assert/strict";
import * as fs from "node:fs";
import Module from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { after, afterEach, before, describe, test } from "node:test";

import { createVscodeMock, type MockState, textDocument } from "./vscode-mock";
import { CLIENT_AGENT_COMMANDS } from "../../src/core/agents";

const root = path.resolve(__dirname, "..", "..", "..");
const bundle = path.join(root, "dist", "extension.js");
const fakeServer = path.join(__dirname, "fake-server.js");

let current: ReturnType<typeof createVscodeMock>;
const moduleAny = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = moduleAny._load;
moduleAny._load = function (request: string, ...rest: unknown[]) {
  if (request === "vscode") {
    return current.vscode;
  }
  return originalLoad.call(this, request, ...rest);
};

interface Ext {
  activate(ctx: unknown): Promise<void>;
  deactivate(): Promise<void>;
}

function loadExtension(): Ext {
  delete require.cache[bundle];
  return require(bundle) as Ext;
}

const context = () => ({ subscriptions: [] as { dispose(): unknown }[] });
const status = (s: MockState) => s.statusItems[0]?.text ?? "";
const runLines = (s: MockState) => s.channels.get("HyperCode Run") ?? [];

async function waitFor<T>(what: string, fn: () => T | undefined, ms = 15000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hc-ext-"));
});
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("no server anywhere", () => {
  let ext: Ext;
  const savedPath = process.env.PATH;
  afterEach(async () => {
    process.env.PATH = savedPath;
    await ext?.deactivate();
  });

  test("activation says what to do, once, and the button opens the setting", async () => {
    current = createVscodeMock();
    const { state } = current;
    const folder = fs.mkdtempSync(path.join(tmp, "empty-"));
    state.workspaceFolders = [folder];
    process.env.PATH = folder; // nothing called hypercode-lsp in there
    state.nextChoice = "Open setting";
    ext = loadExtension();
    await ext.activate(context());

    const errors = state.shown.filter((m) => m.kind === "error");
    assert.equal(errors.length, 1);
    assert.equal(
      errors[0].message,
      "HyperCode could not find its language server. Run `make run` in the HyperCode project, or set `hypercode.server.path`.",
    );
    assert.deepEqual(errors[0].items, ["Open setting", "Try again"]);
    await waitFor("the settings page", () => state.executed.find((e) => e.command === "workbench.action.openSettings"));
    assert.deepEqual(state.executed.find((e) => e.command === "workbench.action.openSettings")?.args, ["hypercode.server.path"]);
    assert.match(status(state), /no server/);

    for (const id of ["hypercode.runFile", "hypercode.runFunction", "hypercode.explain", "hypercode.explainError", "hypercode.restartServer"]) {
      assert.ok(state.commands.has(id), `${id} is registered`);
    }
  });

  test("running without a server explains calmly instead of failing", async () => {
    current = createVscodeMock();
    const { state } = current;
    state.workspaceFolders = [fs.mkdtempSync(path.join(tmp, "empty-"))];
    process.env.PATH = state.workspaceFolders[0];
    ext = loadExtension();
    await ext.activate(context());
    state.activeTextEditor = {
      document: { uri: current.vscode.Uri.file("/w/hello.hc"), languageId: "hypercode" },
      selection: new current.vscode.Selection(0, 0, 0, 0),
    };
    await state.commands.get("hypercode.runFile")!();
    assert.match(state.shown.at(-1)!.message, /language server is not running/);
  });
});

describe("with a server in the workspace .venv", () => {
  let ext: Ext;
  let state: MockState;
  let folder: string;
  let log: string;
  const events = () =>
    fs.existsSync(log)
      ? fs
          .readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { event: string; data: any; pid: number })
      : [];
  const eventOf = (name: string) => events().filter((e) => e.event === name);

  before(async () => {
    folder = fs.mkdtempSync(path.join(tmp, "project-"));
    const bin = path.join(folder, ".venv", "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "hypercode-lsp"), `#!/bin/sh\nexec "${process.execPath}" "${fakeServer}" "$@"\n`, { mode: 0o755 });
    log = path.join(folder, "server-events.jsonl");
    process.env.HC_FAKE_LOG = log;

    current = createVscodeMock();
    state = current.state;
    state.workspaceFolders = [folder];
    state.settings = { "hypercode.diagnostics.style": "plain", "hypercode.diagnostics.maxPerFile": -5, "hypercode.run.timeLimit": 7 };
    ext = loadExtension();
    await ext.activate(context());
  });

  after(async () => {
    await ext.deactivate();
    delete process.env.HC_FAKE_LOG;
  });

  test("the server starts and the status bar says so", () => {
    assert.deepEqual(state.shown.filter((m) => m.kind === "error"), []);
    assert.equal(status(state), "$(check) HyperCode");
  });

  test("initializationOptions carry the settings in the server's shape", () => {
    assert.deepEqual(eventOf("initialize")[0].data.initializationOptions, {
      server: { path: "" },
      diagnostics: { style: "plain", maxPerFile: 100 },
      hints: { enabled: true },
      run: { timeLimit: 7 },
      clientCommands: ["hypercode.explain", "hypercode.runFunction", ...CLIENT_AGENT_COMMANDS],
    });
  });

  test("workspace/configuration answers with the same shape; other sections pass through", async () => {
    const [pulled] = await waitFor("the configuration pull", () => {
      const e = eventOf("configuration");
      return e.length > 0 ? e.map((x) => x.data) : undefined;
    });
    assert.deepEqual(pulled[0], {
      server: { path: "" },
      diagnostics: { style: "plain", maxPerFile: 100 },
      hints: { enabled: true },
      run: { timeLimit: 7 },
    });
    assert.deepEqual(pulled[1], { timeLimit: 7 });
    assert.equal(pulled[2], null);
  });

  test("Run file sends the file with the time limit and shows the result", async () => {
    state.activeTextEditor = {
      document: { uri: current.vscode.Uri.file(path.join(folder, "hello.hc")), languageId: "hypercode" },
      selection: new current.vscode.Selection(2, 4, 2, 4),
    };
    await state.commands.get("hypercode.runFile")!();
    assert.deepEqual(eventOf("run").at(-1)!.data, { uri: `file://${folder}/hello.hc`, timeout: 7 });
    assert.deepEqual(runLines(state), [
      "── Running hello.hc ──",
      "Hello, Ada!",
      "",
      "stderr:",
      "a note on stderr",
      "",
      "── Finished · exit code 0 · 0.012 s ──",
      "",
    ]);
  });

  test("Run file with a selection sends only that range", async () => {
    state.activeTextEditor = {
      document: { uri: current.vscode.Uri.file(path.join(folder, "hello.hc")), languageId: "hypercode" },
      selection: new current.vscode.Selection(1, 0, 3, 5),
    };
    await state.commands.get("hypercode.runFile")!();
    assert.deepEqual(eventOf("run").at(-1)!.data.range, { start: { line: 1, character: 0 }, end: { line: 3, character: 5 } });
    assert.equal(runLines(state)[0], "── Running lines 2–4 of hello.hc ──");
  });

  test("hypercode.runFunction (a code lens) sends the function name", async () => {
    await state.commands.get("hypercode.runFunction")!(`file://${folder}/hello.hc`, "loop_forever");
    assert.equal(eventOf("run").at(-1)!.data.function, "loop_forever");
    const lines = runLines(state);
    assert.equal(lines[0], "── Running loop_forever() in hello.hc ──");
    assert.ok(lines.includes("── Stopped at the time limit · exit code 3 · 30.0 s ──"), lines.join("\n"));
    assert.ok(lines.some((l) => l.includes("raise hypercode.run.timeLimit")));
  });

  test("hypercode.explain opens the explanation as a Markdown preview", async () => {
    await state.commands.get("hypercode.explain")!("hc1001");
    assert.deepEqual(eventOf("explain").at(-1)!.data, { code: "HC1001" });
    const preview = state.executed.find((e) => e.command === "markdown.showPreviewToSide");
    assert.ok(preview, "a preview was opened");
    const uri = preview.args[0] as { toString(): string; scheme: string };
    assert.equal(uri.toString(), "hypercode-explain:HC1001.md");
    const text = await state.contentProviders.get("hypercode-explain").provideTextDocumentContent(uri);
    assert.equal(text, "# HC1001: Unknown name\n\nA name must be **defined** before it is used.\n");
  });

  test("Explain this error picks the message under the cursor", async () => {
    const uri = current.vscode.Uri.file(path.join(folder, "hello.hc"));
    state.diagnostics.set(uri.toString(), [
      { code: "HC1002", message: "unused", range: new current.vscode.Range(0, 0, 0, 5) },
      { code: { value: "HC2001", target: uri }, message: "types", range: new current.vscode.Range(4, 2, 4, 9) },
    ]);
    state.activeTextEditor = { document: { uri, languageId: "hypercode" }, selection: new current.vscode.Selection(4, 3, 4, 3) };
    await state.commands.get("hypercode.explainError")!();
    assert.deepEqual(eventOf("explain").at(-1)!.data, { code: "HC2001" });
  });

  test("changing a setting is pushed to the server; changing the path restarts it", async () => {
    const firstPid = eventOf("initialize").at(-1)!.pid;
    const seen = eventOf("didChangeConfiguration").length;
    state.settings["hypercode.hints.enabled"] = false;
    state.configChanged.fire({ affectsConfiguration: (s: string) => s === "hypercode" || s === "hypercode.hints.enabled" });
    const change = await waitFor("didChangeConfiguration", () => eventOf("didChangeConfiguration")[seen]);
    assert.equal(eventOf("initialize").length, 1, "a settings change other than the path does not restart the server");
    assert.equal(change.data.settings.hypercode.hints.enabled, false);

    state.configChanged.fire({ affectsConfiguration: (s: string) => s.startsWith("hypercode") });
    await waitFor("a second server", () => (eventOf("initialize").length >= 2 && status(state) === "$(check) HyperCode" ? true : undefined));
    assert.notEqual(eventOf("initialize").at(-1)!.pid, firstPid);
    assert.equal(eventOf("initialize").at(-1)!.data.initializationOptions.hints.enabled, false);
  });

  test("Restart server starts a fresh process", async () => {
    const before = eventOf("initialize").length;
    await state.commands.get("hypercode.restartServer")!();
    assert.equal(eventOf("initialize").length, before + 1);
    assert.ok(eventOf("shutdown").length >= 1, "the old server was shut down politely");
    assert.equal(status(state), "$(check) HyperCode");
    assert.ok(state.shown.some((m) => m.message === "[status bar] HyperCode language server restarted."));
  });
});

// ── End to end with the project's real language server ─────────────────────────────────
// Uses `<repo>/.venv/bin/hypercode-lsp` (made by `make run` / `make test` at the top level) or
// $HYPERCODE_LSP. Skipped, with a note, when neither is there.
const realServer = [process.env.HYPERCODE_LSP, path.join(root, "..", ".venv", "bin", "hypercode-lsp")].find(
  (p): p is string => typeof p === "string" && p !== "" && fs.existsSync(p),
);

describe("with the real hypercode-lsp", { skip: realServer ? false : "no hypercode-lsp here: run `make run` at the top level first" }, () => {
  let ext: Ext;
  let state: MockState;
  let folder: string;
  let vs: any;

  before(async () => {
    folder = fs.mkdtempSync(path.join(tmp, "real-"));
    const hello = 'def greet(name):\n    return f"Hello, {name}!"\n\nprint(greet("Ada"))\nprint(2 ** 10)\n';
    const typo = 'message = "hi"\nprint(mesage)\n';
    fs.writeFileSync(path.join(folder, "hello.hc"), hello);
    fs.writeFileSync(path.join(folder, "typo.hc"), typo);

    current = createVscodeMock();
    state = current.state;
    vs = current.vscode;
    state.workspaceFolders = [folder];
    state.settings = { "hypercode.server.path": realServer! };
    state.documents = [
      textDocument(vs.Uri.file(path.join(folder, "hello.hc")), hello),
      textDocument(vs.Uri.file(path.join(folder, "typo.hc")), typo),
    ];
    ext = loadExtension();
    await ext.activate(context());
  });

  after(async () => {
    await ext?.deactivate();
  });

  test("starts from hypercode.server.path", () => {
    assert.deepEqual(state.shown.filter((m) => m.kind === "error"), []);
    assert.equal(status(state), "$(check) HyperCode");
  });

  test("publishes an HC1001 diagnostic for an unknown name", async () => {
    const uri = vs.Uri.file(path.join(folder, "typo.hc")).toString();
    const diag = await waitFor("HC1001 on typo.hc", () =>
      (state.diagnostics.get(uri) ?? []).find((d: any) => (d.code?.value ?? d.code) === "HC1001"),
    );
    assert.equal(diag.range.start.line, 1);
    assert.match(diag.message, /mesage/);
  });

  test("Run file prints the program's output, exit code and duration", async () => {
    state.activeTextEditor = {
      document: state.documents[0],
      selection: new vs.Selection(0, 0, 0, 0),
    };
    await state.commands.get("hypercode.runFile")!();
    const lines = runLines(state);
    assert.equal(lines[0], "── Running hello.hc ──");
    assert.deepEqual(lines.slice(1, 3), ["Hello, Ada!", "1024"]);
    assert.ok(lines.some((l) => /^── Finished · exit code 0 · \d+\.\d+ s ──$/.test(l)), lines.join("\n"));
  });

  test("Run file on a selection runs only those lines", async () => {
    state.activeTextEditor = { document: state.documents[0], selection: new vs.Selection(4, 0, 4, 14) };
    await state.commands.get("hypercode.runFile")!();
    const lines = runLines(state);
    assert.equal(lines[0], "── Running line 5 of hello.hc ──");
    assert.equal(lines[1], "1024");
  });

  test("Explain this error shows the server's explanation of the code under the cursor", async () => {
    state.activeTextEditor = { document: state.documents[1], selection: new vs.Selection(1, 8, 1, 8) };
    await state.commands.get("hypercode.explainError")!();
    const preview = state.executed.filter((e) => e.command === "markdown.showPreviewToSide").at(-1);
    assert.ok(preview, "a preview was opened");
    const uri = preview.args[0] as { toString(): string };
    assert.equal(uri.toString(), "hypercode-explain:HC1001.md");
    const text: string = await state.contentProviders.get("hypercode-explain").provideTextDocumentContent(uri);
    assert.match(text, /HC1001/);
    assert.doesNotMatch(text, /^# HC1001: .*\n\n## HC1001/, "one heading, not two");
  });
});
