// Voice commands for VS Code (VOICE.md §3–§4), the parts that do not need `vscode`:
// which recorder to run, the settings, a small WebSocket client for `/voice`, what to do with
// each server message, and the voice undo stack. ../voice.ts is the glue.
//
// Why our own WebSocket client: VS Code 1.91 runs extensions on Node 20, whose global WebSocket
// is behind a flag, and the extension bundles no `ws`. A client needs little of RFC 6455: text and
// binary frames out (masked), text frames in, ping/pong and close.

import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as http from "node:http";
import type { Duplex } from "node:stream";
import type { Position, Range } from "./protocol";

// ── settings ─────────────────────────────────────────────────────────────────

export type RecorderChoice = "auto" | "arecord" | "sox" | "ffmpeg";
export const RECORDER_CHOICES: readonly RecorderChoice[] = ["auto", "arecord", "sox", "ffmpeg"];

export interface VoiceSettings {
  url: string;
  token: string;
  recorder: RecorderChoice;
}

export const VOICE_DEFAULTS: Readonly<VoiceSettings> = Object.freeze({
  url: "ws://127.0.0.1:8765/voice",
  token: "",
  recorder: "auto" as RecorderChoice,
});

/** Dotted keys under `hypercode.` that belong to voice (package.json contributes them). */
export const VOICE_KEYS = ["voice.url", "voice.token", "voice.recorder"] as const;

export function readVoiceSettings(get: (key: string) => unknown): VoiceSettings {
  const text = (v: unknown, fallback: string) => (typeof v === "string" && v.trim() !== "" ? v.trim() : fallback);
  const recorder = get("voice.recorder");
  return {
    url: text(get("voice.url"), VOICE_DEFAULTS.url),
    token: text(get("voice.token"), VOICE_DEFAULTS.token),
    recorder: RECORDER_CHOICES.includes(recorder as RecorderChoice) ? (recorder as RecorderChoice) : "auto",
  };
}

/** The endpoint URL, or the reason it can't be used. Only loopback: audio never leaves the machine. */
export function checkVoiceUrl(raw: string): { url: URL } | { problem: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: `"${raw}" is not a voice address yet; one looks like ws://127.0.0.1:8765/voice. Change "hypercode.voice.url" to that form.` };
  }
  if (url.protocol !== "ws:") {
    return { problem: `A voice address starts with ws://, like ws://127.0.0.1:8765/voice; this one is "${raw}". Change "hypercode.voice.url" to that form.` };
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!["127.0.0.1", "localhost", "::1"].includes(host)) {
    return { problem: `Voice talks only to a server on this computer (127.0.0.1 or localhost), and this address is on "${url.hostname}". Change "hypercode.voice.url" to a local one.` };
  }
  return { url };
}

// ── recorders ────────────────────────────────────────────────────────────────

export const SAMPLE_RATE = 16000;

export interface Recorder {
  /** The tool's name as the README and the messages say it. */
  name: "arecord" | "sox" | "ffmpeg";
  command: string;
  args: string[];
}

/** Raw PCM16 little-endian mono at 16 kHz on stdout, from the default microphone. */
export function recorderFor(name: Recorder["name"], program: string, platform: NodeJS.Platform): Recorder {
  const rate = String(SAMPLE_RATE);
  switch (name) {
    case "arecord":
      return { name, command: program, args: ["-q", "-t", "raw", "-f", "S16_LE", "-c", "1", "-r", rate] };
    case "sox": {
      // `rec` is `sox -d`; on Windows sox names the default device -t waveaudio default.
      const input = program.endsWith("rec") || program.endsWith("rec.exe") ? [] : platform === "win32" ? ["-t", "waveaudio", "default"] : ["-d"];
      return { name, command: program, args: ["-q", ...input, "-t", "raw", "-r", rate, "-e", "signed-integer", "-b", "16", "-c", "1", "-L", "-"] };
    }
    case "ffmpeg": {
      const input =
        platform === "darwin" ? ["-f", "avfoundation", "-i", ":0"] : platform === "win32" ? ["-f", "dshow", "-i", "audio=default"] : ["-f", "pulse", "-i", "default"];
      return { name, command: program, args: ["-hide_banner", "-loglevel", "error", ...input, "-ac", "1", "-ar", rate, "-f", "s16le", "-"] };
    }
  }
}

/** Program names tried, in order, for each recorder (arecord is Linux's ALSA tool). */
const PROGRAMS: Record<Recorder["name"], string[]> = { arecord: ["arecord"], sox: ["rec", "sox"], ffmpeg: ["ffmpeg"] };

/**
 * The recorder to use: the one the setting names, or on "auto" the first of arecord, sox, ffmpeg
 * that `which` finds. `which(program)` returns the program's full path or undefined.
 */
export function chooseRecorder(choice: RecorderChoice, platform: NodeJS.Platform, which: (program: string) => string | undefined): Recorder | undefined {
  const order: Recorder["name"][] = choice === "auto" ? ["arecord", "sox", "ffmpeg"] : [choice];
  for (const name of order) {
    if (name === "arecord" && platform !== "linux") {
      continue;
    }
    for (const program of PROGRAMS[name]) {
      const found = which(platform === "win32" ? `${program}.exe` : program);
      if (found) {
        return recorderFor(name, found, platform);
      }
    }
  }
  return undefined;
}

/** A `which` over a PATH string; `isFile` is injected so tests need no real files. */
export function pathLookup(pathVar: string, separator: string, isFile: (p: string) => boolean): (program: string) => string | undefined {
  const dirs = pathVar.split(separator).filter((d) => d !== "");
  return (program) => {
    for (const dir of dirs) {
      const candidate = `${dir.replace(/[\\/]$/, "")}/${program}`;
      if (isFile(candidate)) {
        return candidate;
      }
    }
    return undefined;
  };
}

export function noRecorderMessage(choice: RecorderChoice): string {
  if (choice !== "auto") {
    return `Voice is set to record with ${choice}, and ${choice} is not on your PATH. Install it, or set "hypercode.voice.recorder" to "auto".`;
  }
  return "Voice needs a program to hear the microphone: arecord (alsa-utils), sox or ffmpeg. None of them is on your PATH yet; install one and try again.";
}

/** The fixed sentences voice shows; the tone test in voice.test.ts reads them all. */
export const VOICE_TEXT = {
  openFileFirst: "Open a HyperCode (.hc) file first; voice commands change the file in front of you.",
  alreadyListening: "HyperCode is already listening. Say \"stop listening\" or click the microphone to stop.",
  notWebSocket: "The server at the voice address is not a voice endpoint. Check \"hypercode.voice.url\" (it ends in /voice).",
  connecting: "connecting…",
  dropped: "Dropped; nothing changed.",
  nothingToAnswer: "There was nothing to answer.",
  editFailed: (description: string) => `Could not change the file for "${description}". Say it again, or make the change by hand.`,
  changedMeanwhile: (description: string) => `The file changed while "${description}" was being worked out, so nothing was done. Say it again.`,
  stopped: (reason: string) => `Voice stopped: ${reason}. Start listening again when you are ready.`,
  done: (description: string, edited: boolean) => `${description}.${edited ? ' Say "scratch that" to undo it.' : ""}`,
} as const;

export function recorderFailedMessage(name: string, detail: string): string {
  const why = detail.trim().split("\n").slice(-2).join(" ").slice(0, 300);
  return `The microphone could not be opened with ${name}${why ? `: ${why}` : ""}. Check that a microphone is connected and allowed, then try again.`;
}

/** Starts the recorder; audio comes out as chunks of PCM16. */
export function startRecorder(recorder: Recorder): ChildProcess {
  return spawn(recorder.command, recorder.args, { stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
}

/** Splits a byte stream into frames no bigger than the endpoint allows (64 KiB; we send 100 ms). */
export const FRAME_BYTES = SAMPLE_RATE * 2 / 10;

export class Framer {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.pending.length >= FRAME_BYTES) {
      out.push(this.pending.subarray(0, FRAME_BYTES));
      this.pending = this.pending.subarray(FRAME_BYTES);
    }
    return out;
  }

  /** What is left, cut to whole samples. */
  flush(): Buffer[] {
    const rest = this.pending.subarray(0, this.pending.length - (this.pending.length % 2));
    this.pending = Buffer.alloc(0);
    return rest.length ? [rest] : [];
  }
}

// ── WebSocket frames ─────────────────────────────────────────────────────────

export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** A client frame (always masked, RFC 6455 §5.3). */
export function encodeFrame(opcode: number, payload: Buffer, mask: Buffer = randomBytes(4)): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.alloc(2) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  if (length < 126) {
    header[1] = 0x80 | length;
  } else if (length < 65536) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    body[i] = payload[i] ^ mask[i & 3];
  }
  return Buffer.concat([header, mask, body]);
}

export interface Frame {
  opcode: number;
  payload: Buffer;
}

/** Reads frames from the server's byte stream; joins fragmented messages. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;

  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffer.length < 2) {
        break;
      }
      const fin = (this.buffer[0] & 0x80) !== 0;
      const opcode = this.buffer[0] & 0x0f;
      const masked = (this.buffer[1] & 0x80) !== 0;
      let length = this.buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) break;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) break;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const maskKey = masked ? this.buffer.subarray(offset, offset + 4) : undefined;
      offset += masked ? 4 : 0;
      if (this.buffer.length < offset + length) {
        break;
      }
      let payload = Buffer.from(this.buffer.subarray(offset, offset + length));
      if (maskKey) {
        for (let i = 0; i < payload.length; i++) payload[i] ^= maskKey[i & 3];
      }
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode >= 8) {
        frames.push({ opcode, payload });          // control frames may come between fragments
        continue;
      }
      if (!fin) {
        if (opcode !== OPCODE.continuation) this.fragmentOpcode = opcode;
        this.fragments.push(payload);
        continue;
      }
      if (opcode === OPCODE.continuation) {
        payload = Buffer.concat([...this.fragments, payload]);
        this.fragments = [];
        frames.push({ opcode: this.fragmentOpcode, payload });
      } else {
        frames.push({ opcode, payload });
      }
    }
    return frames;
  }
}

export function acceptKey(key: string): string {
  return createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
}

export interface VoiceSocket {
  sendJson(message: object): void;
  sendAudio(pcm: Buffer): void;
  close(): void;
}

export interface SocketEvents {
  onMessage(message: ServerMessage): void;
  onClose(reason: string): void;
}

/**
 * Opens `/voice`. The token goes in an Authorization header (not the URL, which may be logged).
 * A non-browser client has no page, so it sends the endpoint's own origin: hypercode-web wants an
 * Origin on every WebSocket, and the token is what proves who we are.
 */
export function connectVoice(url: URL, token: string, events: SocketEvents, timeoutMs = 10000): Promise<VoiceSocket> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString("base64");
    const request = http.request({
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port || 80,
      path: url.pathname + url.search,
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": key,
        Origin: `http://${url.host}`,
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      timeout: timeoutMs,
    });
    request.on("timeout", () => request.destroy(new Error("the voice server did not answer in time")));
    request.on("error", (err) => reject(new Error(connectProblem(err))));
    request.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (d: string) => (body += d));
      response.on("end", () => reject(new Error(refusedMessage(response.statusCode ?? 0, body))));
    });
    request.on("upgrade", (response, socket: Duplex, head: Buffer) => {
      if (response.headers["sec-websocket-accept"] !== acceptKey(key)) {
        socket.destroy();
        reject(new Error(VOICE_TEXT.notWebSocket));
        return;
      }
      resolve(wrapSocket(socket, head, events));
    });
    request.end();
  });
}

function connectProblem(err: Error & { code?: string }): string {
  if (err.code === "ECONNREFUSED") {
    return "Nothing is listening at the voice address. Start hypercode-web --port 8765 (the extension's guide has a Voice section), or check \"hypercode.voice.url\".";
  }
  return `Could not reach the voice server (${err.message}). Check that hypercode-web is running and "hypercode.voice.url" is its address.`;
}

export function refusedMessage(status: number, body: string): string {
  if (status === 401) {
    return "The voice server wants its token. Copy it from hypercode-web's start line (?token=…) into \"hypercode.voice.token\".";
  }
  if (status === 403) {
    return `The voice server refused this editor: ${body.trim() || "forbidden"}.`;
  }
  if (status === 404) {
    return "That server has no /voice endpoint. Check \"hypercode.voice.url\" (it ends in /voice).";
  }
  return `The voice server said ${status}${body.trim() ? `: ${body.trim()}` : ""}.`;
}

function wrapSocket(socket: Duplex, head: Buffer, events: SocketEvents): VoiceSocket {
  const decoder = new FrameDecoder();
  let closed = false;
  const finish = (reason: string) => {
    if (!closed) {
      closed = true;
      socket.destroy();
      events.onClose(reason);
    }
  };
  const onData = (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      if (frame.opcode === OPCODE.text) {
        const message = parseServerMessage(frame.payload.toString("utf8"));
        if (message) events.onMessage(message);
      } else if (frame.opcode === OPCODE.ping) {
        socket.write(encodeFrame(OPCODE.pong, frame.payload));
      } else if (frame.opcode === OPCODE.close) {
        const reason = frame.payload.length > 2 ? frame.payload.subarray(2).toString("utf8") : "";
        if (!closed) socket.write(encodeFrame(OPCODE.close, frame.payload.subarray(0, 2)));
        finish(reason || "the voice server closed the connection");
      }
    }
  };
  socket.on("data", onData);
  socket.on("error", (err) => finish(err.message));
  socket.on("close", () => finish("the voice connection closed"));
  if (head.length) onData(head);
  const write = (opcode: number, payload: Buffer) => {
    if (!closed) socket.write(encodeFrame(opcode, payload));
  };
  return {
    sendJson: (message) => write(OPCODE.text, Buffer.from(JSON.stringify(message), "utf8")),
    sendAudio: (pcm) => write(OPCODE.binary, pcm),
    close: () => {
      if (!closed) {
        const code = Buffer.alloc(2);
        code.writeUInt16BE(1000);
        socket.write(encodeFrame(OPCODE.close, code));
        socket.end();
        finish("stopped");
      }
    },
  };
}

// ── protocol messages ────────────────────────────────────────────────────────

export interface TextEdit {
  range: Range;
  newText: string;
}
export interface WorkspaceEdit {
  changes?: Record<string, TextEdit[]>;
}
export interface Alternative {
  text: string;
  confidence: number;
}
export type Action =
  | { kind: "move"; position: Position }
  | { kind: "select"; position: Position; end: Position }
  | { kind: "explain"; code: string; position?: Position }
  | { kind: "speak"; text: string }
  | { kind: "mode"; mode: VoiceMode }
  | { kind: "undo" | "redo" | "run" | "check" | "stop" | "confirm" | "dismiss" | "format" }
  | { kind: string; [key: string]: unknown };

export type VoiceMode = "command" | "spell" | "dictation";

export type ServerMessage =
  | { type: "listening"; mode: VoiceMode }
  | { type: "partial"; text: string }
  | { type: "heard"; text: string; confidence: number; alternatives: Alternative[]; unsure: boolean }
  | { type: "command"; name: string; args: Record<string, unknown>; description: string; edit: WorkspaceEdit | null; action: Action | null; latency_ms?: number }
  | { type: "not_understood"; text: string; message?: string; suggestions: string[] }
  | { type: "error"; message: string; code?: string }
  | { type: "stopped" };

/** A server message, or undefined for anything that isn't one (ignored rather than trusted). */
export function parseServerMessage(raw: string): ServerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const m = value as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  switch (m.type) {
    case "listening":
      return { type: "listening", mode: m.mode === "spell" || m.mode === "dictation" ? m.mode : "command" };
    case "partial":
      return { type: "partial", text: str(m.text) };
    case "heard":
      return {
        type: "heard",
        text: str(m.text),
        confidence: typeof m.confidence === "number" ? m.confidence : 0,
        alternatives: Array.isArray(m.alternatives)
          ? m.alternatives.filter((a): a is Alternative => typeof a?.text === "string").map((a) => ({ text: a.text, confidence: Number(a.confidence) || 0 }))
          : [],
        unsure: m.unsure === true,
      };
    case "command":
      return {
        type: "command",
        name: str(m.name),
        args: typeof m.args === "object" && m.args !== null ? (m.args as Record<string, unknown>) : {},
        description: str(m.description),
        edit: typeof m.edit === "object" && m.edit !== null ? (m.edit as WorkspaceEdit) : null,
        action: typeof m.action === "object" && m.action !== null && typeof (m.action as Action).kind === "string" ? (m.action as Action) : null,
        ...(typeof m.latency_ms === "number" ? { latency_ms: m.latency_ms } : {}),
      };
    case "not_understood":
      return { type: "not_understood", text: str(m.text), message: str(m.message) || undefined, suggestions: Array.isArray(m.suggestions) ? m.suggestions.filter((s): s is string => typeof s === "string") : [] };
    case "error":
      return { type: "error", message: str(m.message) || "The voice server reported a problem.", ...(typeof m.code === "string" ? { code: m.code } : {}) };
    case "stopped":
      return { type: "stopped" };
    default:
      return undefined;
  }
}

export function startMessage(uri: string, text: string, cursor: Position, mode: VoiceMode = "command") {
  return { type: "start", sample_rate: SAMPLE_RATE, encoding: "pcm16le", uri, mode, text, cursor };
}

export const MODE_LABELS: Record<VoiceMode | "off", string> = {
  command: "commands",
  spell: "spelling",
  dictation: "dictation",
  off: "not listening",
};

/** The status bar text: always the mode, then the latest thing heard. */
export function statusText(mode: VoiceMode | "off", heard: string | undefined, hearing = false): string {
  const icon = mode === "off" ? "$(mic)" : "$(mic-filled)";
  const base = `${icon} Voice: ${MODE_LABELS[mode]}`;
  if (!heard) return base;
  return `${base} · ${hearing ? "Hearing" : "Heard"}: ${heard}`;
}

// ── what to do with each message ─────────────────────────────────────────────

export type Effect =
  | { kind: "status"; mode: VoiceMode | "off"; heard?: string; hearing?: boolean }
  | { kind: "ask"; heard: string; alternatives: string[] }
  /** `heard` is the words the command came from, to ask again if the document changed meanwhile. */
  | { kind: "apply"; command: Extract<ServerMessage, { type: "command" }>; heard?: string }
  | { kind: "say"; text: string }
  | { kind: "info"; message: string };

/**
 * One listening session's decisions, message by message: what the status bar shows, when to ask
 * "Did you say …?", and which commands are applied. "heard" always comes before its "command";
 * when "heard" is unsure the command is held until the user answers.
 */
export class VoiceController {
  mode: VoiceMode = "command";
  private heard: Extract<ServerMessage, { type: "heard" }> | undefined;
  private held: { command: Extract<ServerMessage, { type: "command" }>; heard: string } | undefined;
  private asking = false;

  handle(message: ServerMessage): Effect[] {
    switch (message.type) {
      case "listening":
        this.mode = message.mode;
        return [{ kind: "status", mode: this.mode, heard: this.heard?.text }];
      case "partial":
        return [{ kind: "status", mode: this.mode, heard: message.text, hearing: true }];
      case "heard":
        this.heard = message;
        return [{ kind: "status", mode: this.mode, heard: message.text }];
      case "command":
        return this.command(message);
      case "not_understood": {
        this.heard = undefined;
        const said = message.text ? `Heard "${message.text}", which isn't a command. ` : "";
        const tips = message.suggestions.length ? ` You could say: ${message.suggestions.slice(0, 3).map((s) => `"${s}"`).join(", ")}.` : "";
        return [{ kind: "info", message: `${said}${message.message ?? "Nothing was understood."}${tips}`.replace(/\s+/g, " ").trim() }];
      }
      case "error":
        return [{ kind: "info", message: message.message }];
      case "stopped":
        return [];
    }
  }

  private command(command: Extract<ServerMessage, { type: "command" }>): Effect[] {
    const heard = this.heard;
    this.heard = undefined;
    const kind = command.action?.kind;
    if (kind === "confirm" || kind === "dismiss") {
      const held = this.held;
      this.held = undefined;
      this.asking = false;
      if (kind === "confirm" && held) return [{ kind: "apply", ...held }];
      return [{ kind: "info", message: held ? VOICE_TEXT.dropped : VOICE_TEXT.nothingToAnswer }];
    }
    if (heard?.unsure) {
      this.held = { command, heard: heard.text };
      this.asking = true;
      const others = heard.alternatives.map((a) => a.text).filter((t) => t !== heard.text);
      return [{ kind: "ask", heard: heard.text, alternatives: [...new Set(others)] }];
    }
    this.held = undefined;
    return [{ kind: "apply", command, ...(heard ? { heard: heard.text } : {}) }];
  }

  /** The user's answer to "Did you say …?": go ahead, another reading (asked again as `say`), or drop. */
  answer(choice: { kind: "yes" } | { kind: "other"; text: string } | { kind: "drop" }): Effect[] {
    const held = this.held;
    this.held = undefined;
    this.asking = false;
    if (choice.kind === "yes") return held ? [{ kind: "apply", ...held }] : [];
    if (choice.kind === "other") return [{ kind: "say", text: choice.text }];
    return [{ kind: "status", mode: this.mode }];
  }

  get isAsking(): boolean {
    return this.asking;
  }
}

/**
 * Whether a command's edit still fits the document: it was computed on `sent`, the text the
 * server last had. If the file changed since, the same words are asked again on the new text.
 */
export function staleEdit(hasEdit: boolean, current: string, sent: string, heard: string | undefined): "apply" | "ask-again" | "drop" {
  if (!hasEdit || current === sent) return "apply";
  return heard ? "ask-again" : "drop";
}

export function askTitle(heard: string): string {
  return `Did you say "${heard}"? Enter to go ahead, choose another, or Esc to drop it.`;
}

// ── undo ─────────────────────────────────────────────────────────────────────

/** One replacement, in character offsets of a document's text. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The smallest single replacement turning `from` into `to` (common prefix and suffix kept). */
export function spliceBetween(from: string, to: string): Splice {
  let start = 0;
  const shorter = Math.min(from.length, to.length);
  while (start < shorter && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < shorter - start && from.charCodeAt(from.length - 1 - tail) === to.charCodeAt(to.length - 1 - tail)) tail++;
  return { start, end: from.length - tail, text: to.slice(start, to.length - tail) };
}

export function applySplice(text: string, s: Splice): string {
  return text.slice(0, s.start) + s.text + text.slice(s.end);
}

export interface VoiceStep {
  uri: string;
  description: string;
  before: string;
  after: string;
}

export type UndoPlan = { kind: "splice"; uri: string; splice: Splice; description: string } | { kind: "refuse"; message: string };

/**
 * The voice commands' own undo history. "scratch that" undoes the last voice edit — and only if
 * the document still holds what that edit wrote, so it never undoes something typed since.
 */
export class VoiceHistory {
  private readonly done: VoiceStep[] = [];
  private readonly undone: VoiceStep[] = [];

  constructor(private readonly limit = 100) {}

  record(step: VoiceStep): void {
    if (step.before === step.after) return;
    this.done.push(step);
    if (this.done.length > this.limit) this.done.shift();
    this.undone.length = 0;
  }

  /** `textOf(uri)` is the document's current text, or undefined when it isn't open. */
  undo(textOf: (uri: string) => string | undefined): UndoPlan {
    return this.move(this.done, this.undone, textOf, "undo");
  }

  redo(textOf: (uri: string) => string | undefined): UndoPlan {
    return this.move(this.undone, this.done, textOf, "redo");
  }

  private move(from: VoiceStep[], to: VoiceStep[], textOf: (uri: string) => string | undefined, verb: "undo" | "redo"): UndoPlan {
    const step = from[from.length - 1];
    if (!step) {
      return { kind: "refuse", message: verb === "undo" ? "There is no voice command to scratch." : "There is nothing to redo." };
    }
    const [expected, target] = verb === "undo" ? [step.after, step.before] : [step.before, step.after];
    const current = textOf(step.uri);
    if (current === undefined) {
      return { kind: "refuse", message: `The file of the last voice command ("${step.description}") is closed; open it to scratch that.` };
    }
    if (current !== expected) {
      return { kind: "refuse", message: `The file changed after "${step.description}", so scratch that would undo more than the voice command. Use Edit › Undo instead.` };
    }
    from.pop();
    to.push(step);
    return { kind: "splice", uri: step.uri, splice: spliceBetween(current, target), description: step.description };
  }

  get size(): number {
    return this.done.length;
  }
}

/** Line/character (UTF-16, as VS Code and LSP count) of an offset in `text`. */
export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: Math.min(offset, text.length) - lineStart };
}

/** The text after applying LSP edits (non-overlapping) to `text`; used to know what an edit will write. */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const offset = (p: Position) => {
    const line = Math.min(Math.max(p.line, 0), starts.length - 1);
    const lineEnd = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
    return Math.min(starts[line] + Math.max(p.character, 0), lineEnd);
  };
  const spans = edits.map((e) => ({ start: offset(e.range.start), end: offset(e.range.end), text: e.newText })).sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}
