// The extension's voice path against a real `hypercode-web`: espeak-ng speaks a command into a
// WAV, sox plays it as the "microphone" (the same raw PCM16 16 kHz arguments the extension gives
// sox), and the extension's own socket client and controller turn the server's answer into an
// edit. Needs the repository's .venv (hypercode-web), espeak-ng and sox (Debian packages).

import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import Module from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";

import {
  applyTextEdits,
  connectVoice,
  type Effect,
  Framer,
  noRecorderMessage,
  recorderFor,
  type ServerMessage,
  startMessage,
  startRecorder,
  VoiceController,
} from "../../src/core/voice";
import { createVscodeMock, EventEmitter, Uri } from "./vscode-mock";

const repo = path.resolve(__dirname, "..", "..", "..", "..");
const hypercodeWeb = path.join(repo, ".venv", "bin", "hypercode-web");
const onPath = (program: string) => spawnSync("sh", ["-c", `command -v ${program}`]).status === 0;
const missing = [
  ...(fs.existsSync(hypercodeWeb) ? [] : [`${hypercodeWeb} (make install at the repository root)`]),
  ...["espeak-ng", "sox"].filter((p) => !onPath(p)),
];
const TOKEN = "vscode-voice-test";
const uri = "file:///tmp/voice-test.hc";

describe("voice against a real hypercode-web", { skip: missing.length ? `needs ${missing.join(", ")}` : false }, () => {
  let server: ChildProcess;
  let port = 0;
  let dir = "";

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hc-voice-"));
    server = spawn(hypercodeWeb, ["--port", "0", "--token", TOKEN], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    port = await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`hypercode-web did not start: ${out}`)), 60000);
      server.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /ready at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      server.stderr!.on("data", (d: Buffer) => (out += d.toString()));
      server.on("exit", (code) => reject(new Error(`hypercode-web exited (${code}): ${out}`)));
    });
  });

  after(() => {
    if (server?.pid) process.kill(server.pid);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("without the token the editor is told to copy it", async () => {
    await assert.rejects(
      connectVoice(new URL(`ws://127.0.0.1:${port}/voice`), "", { onMessage: () => undefined, onClose: () => undefined }),
      /wants its token/,
    );
  });

  test("a spoken 'define function area with width and height' becomes the function", { timeout: 120000 }, async () => {
    const phrase = "define function area with width and height";
    const wav = path.join(dir, "phrase.wav");
    const spoken = spawnSync("espeak-ng", ["-v", "en-us", "-s", "150", "-w", wav, phrase]);
    assert.equal(spoken.status, 0, String(spoken.stderr));

    // sox as the recorder, reading the WAV where the extension would read the default device;
    // a second of silence after the words lets the server's endpointer end the utterance.
    const sox = recorderFor("sox", "sox", "linux");
    const recorder = { ...sox, args: [...sox.args.map((a) => (a === "-d" ? wav : a)), "pad", "0.3", "1.0"] };
    assert.deepEqual(sox.args.slice(0, 2), ["-q", "-d"]);

    const messages: ServerMessage[] = [];
    const effects: Effect[] = [];
    const controller = new VoiceController();
    let finished!: () => void;
    const stopped = new Promise<void>((resolve) => (finished = resolve));
    const socket = await connectVoice(new URL(`ws://127.0.0.1:${port}/voice`), TOKEN, {
      onMessage: (m) => {
        messages.push(m);
        effects.push(...controller.handle(m));
        if (m.type === "stopped") finished();
      },
      onClose: () => finished(),
    });
    try {
      socket.sendJson(startMessage(uri, "", { line: 0, character: 0 }));
      const framer = new Framer();
      const child = startRecorder(recorder);
      let frames = 0;
      child.stdout!.on("data", (chunk: Buffer) => {
        for (const frame of framer.push(chunk)) {
          socket.sendAudio(frame);
          frames++;
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      assert.equal(code, 0);
      for (const frame of framer.flush()) socket.sendAudio(frame);
      assert.ok(frames > 20, `${frames} frames of audio`);
      socket.sendJson({ type: "stop" });
      await stopped;
    } finally {
      socket.close();
    }

    const kinds = messages.map((m) => m.type);
    assert.equal(kinds[0], "listening");
    const heardAt = kinds.indexOf("heard");
    const commandAt = kinds.indexOf("command");
    assert.ok(heardAt > 0 && commandAt > heardAt, `heard comes before the command: ${kinds.join(", ")}`);
    const heard = messages[heardAt] as Extract<ServerMessage, { type: "heard" }>;
    assert.equal(heard.text, phrase);

    const apply = effects.find((e) => e.kind === "apply");
    if (heard.unsure) {
      // Then the editor asks "Did you say …?" instead of applying; going ahead applies it.
      assert.ok(effects.some((e) => e.kind === "ask"));
      effects.push(...controller.answer({ kind: "yes" }));
    }
    const applied = (apply ?? effects.find((e) => e.kind === "apply")) as Extract<Effect, { kind: "apply" }>;
    assert.ok(applied, `an edit to apply: ${JSON.stringify(effects)}`);
    assert.equal(applied.command.name, "define_function");
    const text = applyTextEdits("", applied.command.edit!.changes![uri]);
    assert.match(text, /^def area\(width, height\):\n    pass\n?/);
  });

  /** The real bundle on the `vscode` stand-in, with a document that edits really change. */
  async function openEditor(pathVar: string) {
    const { vscode, state } = createVscodeMock();
    const moduleAny = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const originalLoad = moduleAny._load;
    moduleAny._load = function (request: string, ...rest: unknown[]) {
      return request === "vscode" ? vscode : originalLoad.call(this, request, ...rest);
    };
    const savedPath = process.env.PATH;
    const subscriptions: { dispose(): unknown }[] = [];
    const doc = { text: "", applied: 0 };
    const changed = new EventEmitter();
    const document = { uri: Uri.parse(uri), languageId: "hypercode", version: 1, getText: () => doc.text };
    const editor = { document, selection: new vscode.Selection(0, 0, 0, 0), revealRange() {} };
    const offset = (p: { line: number; character: number }) =>
      doc.text.split("\n").slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    type Replace = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };
    vscode.WorkspaceEdit = class {
      edits: Replace[] = [];
      replace(_uri: unknown, range: Replace["range"], text: string) {
        this.edits.push({ range, text });
      }
    };
    vscode.workspace.applyEdit = async (edit: { edits: Replace[] }) => {
      const spans = edit.edits.map((e) => ({ start: offset(e.range.start), end: offset(e.range.end), text: e.text })).sort((a, b) => b.start - a.start);
      for (const sp of spans) doc.text = doc.text.slice(0, sp.start) + sp.text + doc.text.slice(sp.end);
      document.version++;
      doc.applied++;
      changed.fire({ document });
      return true;
    };
    vscode.workspace.onDidChangeTextDocument = changed.event;
    vscode.window.visibleTextEditors = [editor];
    state.activeTextEditor = editor;
    state.settings["hypercode.voice.url"] = `ws://127.0.0.1:${port}/voice`;
    state.settings["hypercode.voice.token"] = TOKEN;
    state.workspaceFolders = [dir];
    process.env.PATH = pathVar;

    const bundle = path.join(__dirname, "..", "..", "..", "dist", "extension.js");
    delete require.cache[bundle];
    const ext = require(bundle) as { activate(ctx: unknown): Promise<void>; deactivate(): Promise<void> };
    await ext.activate({ subscriptions });
    const item = state.statusItems.find((i) => /Voice: not listening/.test(i.text));
    assert.ok(item, "the voice status item shows 'not listening' before anything starts");
    const shownTexts: string[] = [];
    let current = item.text;
    Object.defineProperty(item, "text", { get: () => current, set: (v: string) => { current = v; shownTexts.push(v); } });
    const waitFor = async (what: string, ok: () => boolean) => {
      const end = Date.now() + 45000;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; status: ${shownTexts.join(" | ")}; shown: ${JSON.stringify(state.shown)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const close = async () => {
      await ext.deactivate();
      for (const d of subscriptions) d.dispose();
      process.env.PATH = savedPath;
      moduleAny._load = originalLoad;
    };
    return { state, doc, editor, shownTexts, status: () => current, waitFor, close };
  }

  const rawArgs = "-q -t raw -r 16000 -e signed-integer -b 16 -c 1 -L -";
  const fakeRecorder = (name: string, script: string) => {
    const bin = path.join(dir, name);
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "arecord"), `#!/bin/sh\n${script}`, { mode: 0o755 });
    return `${bin}:/usr/bin:/bin`;
  };

  test("in the editor: Start listening, the function appears, 'scratch that' removes it", { timeout: 120000 }, async () => {
    // A stand-in "arecord" on PATH plays two spoken commands, then stays open like a microphone.
    const wavs = ["define function area with width and height", "scratch that"].map((phrase, i) => {
      const wav = path.join(dir, `say${i}.wav`);
      assert.equal(spawnSync("espeak-ng", ["-v", "en-us", "-s", "150", "-w", wav, phrase]).status, 0);
      return wav;
    });
    const pathVar = fakeRecorder("speaks", `sox ${wavs[0]} ${rawArgs} pad 0.3 1.5\nsox ${wavs[1]} ${rawArgs} pad 0.3 1.5\nexec sleep 60\n`);
    const e = await openEditor(pathVar);
    try {
      await e.state.commands.get("hypercode.voice.start")!();
      await e.waitFor("the function", () => e.doc.text.startsWith("def area(width, height):\n    pass"));
      assert.ok(e.shownTexts.some((t) => t.includes("Voice: commands · Heard: define function area with width and height")), e.shownTexts.join(" | "));
      assert.equal(e.editor.selection.active.line, 1, "the cursor moved into the new function's body");
      await e.waitFor("scratch that", () => e.doc.text === "" && e.doc.applied === 2);
      assert.ok(e.shownTexts.some((t) => t.endsWith("Heard: scratch that")), e.shownTexts.join(" | "));
      assert.ok(e.state.shown.some((m) => m.message.includes("Undid: Define function area with width and height")));
      await e.state.commands.get("hypercode.voice.stop")!();
      await e.waitFor("not listening", () => e.status() === "$(mic) Voice: not listening");
    } finally {
      await e.close();
    }
  });

  test("in the editor: no recorder, or one that can't open the microphone, gets a calm message", { timeout: 60000 }, async () => {
    const empty = path.join(dir, "nothing");
    fs.mkdirSync(empty, { recursive: true });
    let e = await openEditor(empty);
    try {
      await e.state.commands.get("hypercode.voice.start")!();
      assert.ok(e.state.shown.some((m) => m.message === noRecorderMessage("auto")), JSON.stringify(e.state.shown));
      assert.equal(e.status(), "$(mic) Voice: not listening");
    } finally {
      await e.close();
    }
    e = await openEditor(fakeRecorder("broken", 'echo "arecord: main:831: audio open error: No such file or directory" >&2\nexit 1\n'));
    try {
      await e.state.commands.get("hypercode.voice.start")!();
      await e.waitFor("the message", () => e.state.shown.some((m) => m.message.startsWith("The microphone could not be opened with arecord")));
      assert.ok(e.state.shown.some((m) => m.message.includes("audio open error")));
      await e.waitFor("not listening", () => e.status() === "$(mic) Voice: not listening");
      assert.equal(e.doc.applied, 0);
    } finally {
      await e.close();
    }
  });
});
