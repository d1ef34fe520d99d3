import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { describe, test } from "node:test";

import {
  acceptKey,
  applySplice,
  applyTextEdits,
  askTitle,
  checkVoiceUrl,
  chooseRecorder,
  connectVoice,
  encodeFrame,
  FRAME_BYTES,
  FrameDecoder,
  Framer,
  noRecorderMessage,
  OPCODE,
  parseServerMessage,
  pathLookup,
  positionAt,
  readVoiceSettings,
  recorderFailedMessage,
  refusedMessage,
  type ServerMessage,
  spliceBetween,
  staleEdit,
  startMessage,
  statusText,
  VOICE_DEFAULTS,
  VOICE_KEYS,
  VOICE_TEXT,
  VoiceController,
  VoiceHistory,
} from "../../src/core/voice";

const uri = "file:///home/ada/shapes.hc";

describe("voice settings", () => {
  test("defaults, and bad values fall back one by one", () => {
    assert.deepEqual(readVoiceSettings(() => undefined), { url: "ws://127.0.0.1:8765/voice", token: "", recorder: "auto" });
    const values: Record<string, unknown> = { "voice.url": "  ws://localhost:9000/voice ", "voice.token": 42, "voice.recorder": "gramophone" };
    assert.deepEqual(readVoiceSettings((k) => values[k]), { url: "ws://localhost:9000/voice", token: "", recorder: "auto" });
    assert.equal(readVoiceSettings((k) => (k === "voice.recorder" ? "ffmpeg" : undefined)).recorder, "ffmpeg");
  });

  test("package.json contributes each voice setting with the same default", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8"));
    const props = pkg.contributes.configuration.properties as Record<string, { default: unknown; enum?: string[] }>;
    const voiceKeys = Object.keys(props).filter((k) => k.startsWith("hypercode.voice."));
    assert.deepEqual(voiceKeys.sort(), VOICE_KEYS.map((k) => `hypercode.${k}`).sort());
    for (const key of VOICE_KEYS) {
      assert.deepEqual(props[`hypercode.${key}`].default, (VOICE_DEFAULTS as Record<string, unknown>)[key.slice("voice.".length)], key);
    }
    assert.deepEqual(props["hypercode.voice.recorder"].enum, ["auto", "arecord", "sox", "ffmpeg"]);
    const commands = (pkg.contributes.commands as { command: string; title: string }[]).filter((c) => c.command.startsWith("hypercode.voice."));
    assert.deepEqual(commands.map((c) => c.title), ["Start listening", "Stop listening"]);
  });

  test("only a ws:// address on this computer is used", () => {
    assert.ok("url" in checkVoiceUrl("ws://127.0.0.1:8765/voice"));
    assert.ok("url" in checkVoiceUrl("ws://[::1]:8765/voice"));
    assert.match((checkVoiceUrl("ws://example.com/voice") as { problem: string }).problem, /on this computer/);
    assert.match((checkVoiceUrl("http://127.0.0.1:8765/voice") as { problem: string }).problem, /ws:\/\//);
    assert.match((checkVoiceUrl("not a url") as { problem: string }).problem, /not a voice address yet/);
  });
});

describe("recorder choice", () => {
  const on = (...programs: string[]) => (p: string) => (programs.includes(p) ? `/usr/bin/${p}` : undefined);

  test("auto prefers arecord, then rec / sox, then ffmpeg", () => {
    assert.equal(chooseRecorder("auto", "linux", on("arecord", "sox", "ffmpeg"))?.name, "arecord");
    assert.equal(chooseRecorder("auto", "linux", on("rec", "ffmpeg"))?.command, "/usr/bin/rec");
    assert.equal(chooseRecorder("auto", "linux", on("sox", "ffmpeg"))?.command, "/usr/bin/sox");
    assert.equal(chooseRecorder("auto", "linux", on("ffmpeg"))?.name, "ffmpeg");
    assert.equal(chooseRecorder("auto", "linux", on()), undefined);
  });

  test("every recorder writes raw 16-bit mono at 16 kHz to stdout", () => {
    const arecord = chooseRecorder("arecord", "linux", on("arecord"))!;
    assert.deepEqual(arecord.args, ["-q", "-t", "raw", "-f", "S16_LE", "-c", "1", "-r", "16000"]);
    const rec = chooseRecorder("sox", "linux", on("rec"))!;
    assert.ok(!rec.args.includes("-d"), "rec records from the default device by itself");
    const sox = chooseRecorder("sox", "linux", on("sox"))!;
    assert.deepEqual(sox.args.slice(0, 2), ["-q", "-d"]);
    for (const r of [rec, sox]) {
      assert.deepEqual(r.args.slice(-11), ["-t", "raw", "-r", "16000", "-e", "signed-integer", "-b", "16", "-c", "1", "-L", "-"].slice(-11));
    }
    const ffmpeg = chooseRecorder("ffmpeg", "linux", on("ffmpeg"))!;
    assert.deepEqual(ffmpeg.args.slice(-7), ["-ac", "1", "-ar", "16000", "-f", "s16le", "-"]);
    assert.ok(ffmpeg.args.includes("pulse"));
    assert.ok(chooseRecorder("ffmpeg", "darwin", on("ffmpeg"))!.args.includes("avfoundation"));
  });

  test("arecord is Linux only; Windows programs end in .exe", () => {
    assert.equal(chooseRecorder("auto", "darwin", on("arecord", "sox"))?.name, "sox");
    assert.equal(chooseRecorder("auto", "win32", on("sox.exe"))?.command, "/usr/bin/sox.exe");
    assert.deepEqual(chooseRecorder("sox", "win32", on("sox.exe"))!.args.slice(1, 4), ["-t", "waveaudio", "default"]);
  });

  test("a named recorder that isn't there is not replaced by another; the message says what to do", () => {
    assert.equal(chooseRecorder("ffmpeg", "linux", on("arecord")), undefined);
    assert.match(noRecorderMessage("ffmpeg"), /ffmpeg.*PATH.*"auto"/);
    assert.match(noRecorderMessage("auto"), /arecord.*sox.*ffmpeg/);
  });

  test("PATH lookup goes in order and skips empty entries", () => {
    const files = new Set(["/opt/b/sox", "/usr/bin/sox", "/usr/bin/arecord"]);
    const which = pathLookup("/opt/a::/opt/b/:/usr/bin", ":", (p) => files.has(p));
    assert.equal(which("sox"), "/opt/b/sox");
    assert.equal(which("arecord"), "/usr/bin/arecord");
    assert.equal(which("ffmpeg"), undefined);
  });

  test("audio goes out in 100 ms frames, and the tail in whole samples", () => {
    const framer = new Framer();
    assert.equal(FRAME_BYTES, 3200);
    assert.deepEqual(framer.push(Buffer.alloc(1000)), []);
    const frames = framer.push(Buffer.alloc(6000));
    assert.deepEqual(frames.map((f) => f.length), [3200, 3200]);
    assert.deepEqual(framer.push(Buffer.alloc(1)).length, 0);
    assert.deepEqual(framer.flush().map((f) => f.length), [600]);   // 601 bytes left: the odd byte is dropped
    assert.deepEqual(framer.flush(), []);
  });
});

describe("WebSocket frames", () => {
  const serverFrame = (opcode: number, payload: Buffer, fin = true) => {
    const len = payload.length;
    const head = len < 126 ? Buffer.from([(fin ? 0x80 : 0) | opcode, len]) : Buffer.from([(fin ? 0x80 : 0) | opcode, 126, len >> 8, len & 255]);
    return Buffer.concat([head, payload]);
  };

  test("the accept key of RFC 6455's example", () => {
    assert.equal(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });

  test("client frames are masked and decode back, at every length encoding", () => {
    for (const size of [0, 5, 125, 126, 3200, 65535, 65536, 70000]) {
      const payload = Buffer.alloc(size, 7);
      const frame = encodeFrame(OPCODE.binary, payload, Buffer.from([1, 2, 3, 4]));
      assert.equal(frame[0], 0x82);
      assert.equal(frame[1] & 0x80, 0x80, "masked");
      const [decoded] = new FrameDecoder().push(frame);
      assert.equal(decoded.opcode, OPCODE.binary);
      assert.ok(decoded.payload.equals(payload), `size ${size}`);
    }
    assert.notDeepEqual(encodeFrame(OPCODE.text, Buffer.from("abcd"), Buffer.from([1, 2, 3, 4])).subarray(6), Buffer.from("abcd"));
  });

  test("server frames split across reads, fragmented, with a ping between", () => {
    const bytes = Buffer.concat([
      serverFrame(OPCODE.text, Buffer.from('{"type":')),
      serverFrame(OPCODE.text, Buffer.from('{"type": "part'), false),
      serverFrame(OPCODE.ping, Buffer.from("hi")),
      serverFrame(OPCODE.continuation, Buffer.from('ial", "text": "go to"}')),
    ]);
    const decoder = new FrameDecoder();
    const frames = [];
    for (let i = 0; i < bytes.length; i += 3) frames.push(...decoder.push(bytes.subarray(i, i + 3)));
    assert.deepEqual(frames.map((f) => [f.opcode, f.payload.toString()]), [
      [OPCODE.text, '{"type":'],
      [OPCODE.ping, "hi"],
      [OPCODE.text, '{"type": "partial", "text": "go to"}'],
    ]);
  });
});

describe("connecting to /voice", () => {
  async function withServer(handler: http.RequestListener, onUpgrade: ((req: http.IncomingMessage, socket: import("node:stream").Duplex) => void) | undefined, body: (url: URL) => Promise<void>) {
    const server = http.createServer(handler);
    if (onUpgrade) server.on("upgrade", onUpgrade);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      await body(new URL(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/voice`));
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }
  const events = { onMessage: () => undefined, onClose: () => undefined };

  test("a missing or wrong token is explained, not shown as a stack trace", async () => {
    await withServer((_req, res) => { res.writeHead(401); res.end("token needed\n"); }, (req, socket) => {
      socket.end("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      void req;
    }, async (url) => {
      await assert.rejects(connectVoice(url, "", events), /wants its token.*hypercode\.voice\.token/);
    });
  });

  test("nothing listening says how to start the server", async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    await assert.rejects(connectVoice(new URL(`ws://127.0.0.1:${port}/voice`), "t", events), /Nothing is listening.*hypercode-web/);
  });

  test("the handshake carries the token and the endpoint's own origin; messages come through", async () => {
    let seen: http.IncomingHttpHeaders = {};
    const received: ServerMessage[] = [];
    await withServer(() => undefined, (req, socket) => {
      seen = req.headers;
      socket.write(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          `Sec-WebSocket-Accept: ${acceptKey(String(req.headers["sec-websocket-key"]))}\r\n\r\n`,
      );
      const decoder = new FrameDecoder();
      socket.on("end", () => socket.end());   // an http.Server socket is half-open after the client's end
      socket.on("data", (chunk: Buffer) => {
        for (const frame of decoder.push(chunk)) {
          if (frame.opcode === OPCODE.text) {
            const start = JSON.parse(frame.payload.toString());
            const reply = Buffer.from(JSON.stringify({ type: "listening", mode: start.mode }));
            socket.write(Buffer.concat([Buffer.from([0x81, reply.length]), reply]));
          }
        }
      });
    }, async (url) => {
      let arrived!: () => void;
      const got = new Promise<void>((resolve) => (arrived = resolve));
      const socket = await connectVoice(url, "s3cret", { onMessage: (m) => { received.push(m); arrived(); }, onClose: () => undefined });
      socket.sendJson(startMessage(uri, "", { line: 0, character: 0 }, "spell"));
      await got;
      socket.close();
    });
    assert.equal(seen.authorization, "Bearer s3cret");
    assert.match(String(seen.origin), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(received, [{ type: "listening", mode: "spell" }]);
  });
});

describe("server messages", () => {
  test("anything that isn't a protocol message is ignored", () => {
    assert.equal(parseServerMessage("not json"), undefined);
    assert.equal(parseServerMessage("[1]"), undefined);
    assert.equal(parseServerMessage('{"type": "teapot"}'), undefined);
  });

  test("fields are normalised", () => {
    assert.deepEqual(parseServerMessage('{"type": "heard", "text": "top of file", "alternatives": [{"text": "top of fall", "confidence": "x"}, 3]}'), {
      type: "heard", text: "top of file", confidence: 0, alternatives: [{ text: "top of fall", confidence: 0 }], unsure: false,
    });
    assert.deepEqual(parseServerMessage('{"type": "error"}'), { type: "error", message: "The voice server reported a problem." });
    const command = parseServerMessage('{"type": "command", "name": "run", "args": null, "description": "Run the program", "edit": null, "action": {"kind": "run"}, "latency_ms": 3}');
    assert.deepEqual(command, { type: "command", name: "run", args: {}, description: "Run the program", edit: null, action: { kind: "run" }, latency_ms: 3 });
  });

  test("the start message is what the endpoint expects", () => {
    assert.deepEqual(startMessage(uri, "x = 1\n", { line: 0, character: 5 }), {
      type: "start", sample_rate: 16000, encoding: "pcm16le", uri, mode: "command", text: "x = 1\n", cursor: { line: 0, character: 5 },
    });
  });

  test("the status bar always names the mode, then what was heard", () => {
    assert.equal(statusText("off", undefined), "$(mic) Voice: not listening");
    assert.equal(statusText("command", "go to line three"), "$(mic-filled) Voice: commands · Heard: go to line three");
    assert.equal(statusText("spell", "t o", true), "$(mic-filled) Voice: spelling · Hearing: t o");
  });
});

describe("what the editor does with each message", () => {
  const edit = { changes: { [uri]: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: "def area():\n    pass\n" }] } };
  const command = (over: Partial<Extract<ServerMessage, { type: "command" }>> = {}): Extract<ServerMessage, { type: "command" }> => ({
    type: "command", name: "define_function", args: { name: "area" }, description: "Define function area", edit, action: null, ...over,
  });
  const heard = (text: string, unsure = false, alternatives: string[] = []): ServerMessage => ({
    type: "heard", text, confidence: unsure ? 0.4 : 0.95, alternatives: alternatives.map((t) => ({ text: t, confidence: 0.3 })), unsure,
  });

  test("heard is shown, then a sure command is applied with the words it came from", () => {
    const c = new VoiceController();
    assert.deepEqual(c.handle({ type: "listening", mode: "command" }), [{ kind: "status", mode: "command", heard: undefined }]);
    assert.deepEqual(c.handle({ type: "partial", text: "define" }), [{ kind: "status", mode: "command", heard: "define", hearing: true }]);
    assert.deepEqual(c.handle(heard("define function area")), [{ kind: "status", mode: "command", heard: "define function area" }]);
    assert.deepEqual(c.handle(command()), [{ kind: "apply", command: command(), heard: "define function area" }]);
  });

  test("when unsure nothing is applied until the user answers 'go ahead'", () => {
    const c = new VoiceController();
    c.handle(heard("go to line three", true, ["go to line three", "go to line tree", "go to line free"]));
    const asked = c.handle(command({ name: "go_to_line", edit: null, action: { kind: "move", position: { line: 2, character: 0 } } }));
    assert.deepEqual(asked, [{ kind: "ask", heard: "go to line three", alternatives: ["go to line tree", "go to line free"] }]);
    assert.equal(c.isAsking, true);
    assert.match(askTitle("go to line three"), /^Did you say "go to line three"\? Enter/);
    const [applied] = c.answer({ kind: "yes" });
    assert.equal(applied.kind, "apply");
    assert.equal(c.isAsking, false);
    assert.deepEqual(c.answer({ kind: "yes" }), [], "answering twice applies nothing more");
  });

  test("choosing another reading asks the server again; Esc drops it", () => {
    const c = new VoiceController();
    c.handle(heard("set total to five", true, ["select total"]));
    c.handle(command());
    assert.deepEqual(c.answer({ kind: "other", text: "select total" }), [{ kind: "say", text: "select total" }]);
    c.handle(heard("delete line", true));
    c.handle(command());
    assert.deepEqual(c.answer({ kind: "drop" }), [{ kind: "status", mode: "command" }]);
  });

  test("a spoken 'yes' applies the held command, 'no' drops it", () => {
    const c = new VoiceController();
    c.handle(heard("define function area", true));
    c.handle(command());
    c.handle(heard("yes"));
    assert.deepEqual(c.handle(command({ name: "yes", edit: null, action: { kind: "confirm" } })), [{ kind: "apply", command: command(), heard: "define function area" }]);
    c.handle(heard("define function area", true));
    c.handle(command());
    c.handle(heard("no"));
    assert.deepEqual(c.handle(command({ name: "no", edit: null, action: { kind: "dismiss" } })), [{ kind: "info", message: "Dropped; nothing changed." }]);
    assert.equal(c.isAsking, false);
  });

  test("an edit computed on older text is not applied: the words are asked again on the new text", () => {
    assert.equal(staleEdit(true, "x = 1\n", "x = 1\n", "delete line"), "apply");
    assert.equal(staleEdit(false, "x = 12\n", "x = 1\n", "go to line one"), "apply", "a move needs no matching text");
    assert.equal(staleEdit(true, "x = 12\n", "x = 1\n", "delete line"), "ask-again");
    assert.equal(staleEdit(true, "x = 12\n", "x = 1\n", undefined), "drop");
  });

  test("not understood is calm and suggests what can be said; errors pass through", () => {
    const c = new VoiceController();
    const [info] = c.handle({ type: "not_understood", text: "make it nicer", message: "That isn't a command I know.", suggestions: ["format file", "check program", "next error", "end of file"] });
    assert.deepEqual(info, { kind: "info", message: 'Heard "make it nicer", which isn\'t a command. That isn\'t a command I know. You could say: "format file", "check program", "next error".' });
    assert.deepEqual(c.handle({ type: "error", message: "Wait 12 seconds.", code: "rate_limited" }), [{ kind: "info", message: "Wait 12 seconds." }]);
    assert.equal(c.handle({ type: "listening", mode: "spell" })[0].kind, "status");
    assert.equal(c.mode, "spell");
  });
});

describe("scratch that", () => {
  const first = "def area(width):\n    pass\n";
  const second = "def area(width, height):\n    pass\n";

  test("undoes the last voice edit, then the one before; redo puts it back", () => {
    const h = new VoiceHistory();
    let text = "";
    const textOf = () => text;
    h.record({ uri, description: "Define function area", before: "", after: first });
    h.record({ uri, description: "Add parameter height", before: first, after: second });
    text = second;
    const undo = h.undo(textOf);
    assert.equal(undo.kind, "splice");
    if (undo.kind !== "splice") return;
    assert.deepEqual(undo.splice, { start: 14, end: 22, text: "" });     // only ", height" goes
    text = applySplice(text, undo.splice);
    assert.equal(text, first);
    const again = h.undo(textOf);
    assert.ok(again.kind === "splice");
    text = applySplice(text, again.splice);
    assert.equal(text, "");
    assert.deepEqual(h.undo(textOf), { kind: "refuse", message: "There is no voice command to scratch." });
    const redo = h.redo(textOf);
    assert.ok(redo.kind === "splice");
    text = applySplice(text, redo.splice);
    assert.equal(text, first);
  });

  test("refuses when the file changed since, instead of undoing typing", () => {
    const h = new VoiceHistory();
    h.record({ uri, description: "Define function area", before: "", after: first });
    const plan = h.undo(() => first + "x = 1\n");
    assert.equal(plan.kind, "refuse");
    assert.match((plan as { message: string }).message, /changed after "Define function area"/);
    assert.equal(h.size, 1, "the step is kept for when the file is back");
    assert.equal(h.undo(() => undefined).kind, "refuse");
  });

  test("a new voice edit clears redo; an edit that changed nothing is not a step", () => {
    const h = new VoiceHistory();
    h.record({ uri, description: "a", before: "", after: "a" });
    h.record({ uri, description: "noop", before: "a", after: "a" });
    assert.equal(h.size, 1);
    assert.equal(h.undo(() => "a").kind, "splice");
    h.record({ uri, description: "b", before: "", after: "b" });
    assert.deepEqual(h.redo(() => "b"), { kind: "refuse", message: "There is nothing to redo." });
  });

  test("the splice between any two texts turns one into the other", () => {
    const pieces = ["", "a", "ab", "\n", "def f():\n", "    pass\n", "é", "😀", "x = 1\n"];
    let seed = 7;
    const pick = () => pieces[(seed = (seed * 1103515245 + 12345) % 2147483648) % pieces.length];
    for (let i = 0; i < 300; i++) {
      const a = pick() + pick() + pick();
      const b = pick() + pick() + pick();
      assert.equal(applySplice(a, spliceBetween(a, b)), b, JSON.stringify([a, b]));
    }
  });

  test("LSP edits are applied in UTF-16 columns, last first; positions count lines", () => {
    const text = "x = 1\ny = 2\n";
    const edits = [
      { range: { start: { line: 0, character: 4 }, end: { line: 0, character: 5 } }, newText: "10" },
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, newText: "why" },
    ];
    assert.equal(applyTextEdits(text, edits), "x = 10\nwhy = 2\n");
    assert.equal(applyTextEdits("", [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: "pass\n" }]), "pass\n");
    assert.deepEqual(positionAt(text, 8), { line: 1, character: 2 });
    assert.deepEqual(positionAt(text, 0), { line: 0, character: 0 });
  });
});

describe("what voice says", () => {
  // The same rules as messages.test.ts: calm, no blame, at most two sentences.
  const history = new VoiceHistory();
  history.record({ uri, description: "Define function area", before: "", after: "def area():\n    pass\n" });
  const every = [
    ...Object.values(VOICE_TEXT).map((t) => (typeof t === "function" ? (t as (a: string, b: boolean) => string)("Define function area", true) : t)),
    ...["nope", "http://127.0.0.1/voice", "ws://example.com/voice"].map((u) => (checkVoiceUrl(u) as { problem: string }).problem),
    noRecorderMessage("auto"),
    noRecorderMessage("arecord"),
    recorderFailedMessage("arecord", "arecord: main:831: audio open error: No such file or directory\n"),
    ...[401, 403, 404, 500].map((code) => refusedMessage(code, "Forbidden origin\n")),
    (history.undo(() => "changed") as { message: string }).message,
    (history.undo(() => undefined) as { message: string }).message,
    (new VoiceHistory().undo(() => "") as { message: string }).message,
    askTitle("go to line three"),
  ];

  test("calm: no exclamation marks, no blame words, no shouting", () => {
    const blame = /\b(you (failed|forgot|broke)|wrong|invalid|illegal|fatal|oops|bad|must|crash(ed)?|abort(ed)?)\b/i;
    for (const m of every) {
      assert.doesNotMatch(m, /!/, m);
      assert.doesNotMatch(m, blame, m);
      assert.doesNotMatch(m, /\b[A-Z]{5,}\b/, m);
    }
  });

  test("short: at most two sentences each", () => {
    for (const m of every) {
      const sentences = m.split(/(?<=[.?])\s+(?=[A-Z“`])/).filter((s) => s.trim() !== "");
      assert.ok(sentences.length <= 2, `${sentences.length} sentences: ${m}`);
    }
  });
});
