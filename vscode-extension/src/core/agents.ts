// The decisions behind the agent commands (Explain, Fix, Write tests, Review, Ask): which
// request to send, how progress reads, what a proposed edit turns the file into, and how an
// answer is shown. Plain module: no `vscode` import (./agents.ts is the glue).

import type { Position, Range } from "./protocol";

export const AGENT_KINDS = ["explain", "fix", "test", "review", "ask"] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

export const AGENT_REQUEST = "hypercode/agent";
export const AGENT_CANCEL = "hypercode/agentCancel";
export const AGENT_PROGRESS = "hypercode/agentProgress";
export const AGENT_RESULT = "hypercode/agentResult";
export const ACCEPT_COMMAND = "hypercode.agent.accept";
export const PROPOSAL_SCHEME = "hypercode-proposal";

/** The command id for a kind, e.g. "hypercode.agent.fix". */
export function commandFor(kind: AgentKind): string {
  return `hypercode.agent.${kind}`;
}

/** The agent commands this extension runs itself (the server must not advertise them). */
export const CLIENT_AGENT_COMMANDS: string[] = AGENT_KINDS.map(commandFor);

export interface AgentEdit {
  uri: string;
  range: Range;
  new_text: string;
}
export interface AgentFile {
  path: string;
  text: string;
}
export interface AgentFinding {
  message: string;
  input?: string;
  line?: number;
}
export interface AgentInfo {
  id?: string;
  role?: string;
  engine?: string;
}
export interface AgentResult {
  taskId: string;
  markdown: string;
  edits: AgentEdit[];
  files: AgentFile[];
  findings: AgentFinding[];
  agent: AgentInfo;
}
export interface AgentRequest {
  kind: AgentKind;
  uri: string;
  range?: Range;
  diagnostic?: unknown;
  question?: string;
}
export interface AgentProgress {
  taskId: string;
  state: "queued" | "working" | "done" | "failed" | "cancelled";
  agent?: AgentInfo;
  message?: string;
}

const WORDS: Record<AgentKind, string> = {
  explain: "Explain",
  fix: "Fix",
  test: "Write tests",
  review: "Review",
  ask: "Ask",
};

export function isAgentKind(value: unknown): value is AgentKind {
  return typeof value === "string" && (AGENT_KINDS as readonly string[]).includes(value);
}

function isRange(value: unknown): value is Range {
  const r = value as Range | undefined;
  return (
    !!r &&
    typeof r === "object" &&
    Number.isInteger(r.start?.line) &&
    Number.isInteger(r.start?.character) &&
    Number.isInteger(r.end?.line) &&
    Number.isInteger(r.end?.character)
  );
}

/**
 * The request for a command's arguments: code actions pass one object {uri, range?, diagnostic?};
 * the command palette passes nothing, and `fallback` (the active editor) fills in.
 */
export function requestFor(kind: AgentKind, args: unknown[], fallback?: { uri: string; range?: Range }): AgentRequest | undefined {
  const first = args[0];
  let uri: unknown;
  let range: unknown;
  let diagnostic: unknown;
  let question: unknown;
  if (first !== null && typeof first === "object" && !Array.isArray(first)) {
    ({ uri, range, diagnostic, question } = first as Record<string, unknown>);
  } else {
    [uri, range, diagnostic, question] = args;
  }
  if (typeof uri !== "string") {
    if (!fallback) {
      return undefined;
    }
    uri = fallback.uri;
    range = range ?? fallback.range;
  }
  const request: AgentRequest = { kind, uri: uri as string };
  if (isRange(range)) {
    request.range = range;
  }
  if (diagnostic !== undefined && diagnostic !== null) {
    request.diagnostic = diagnostic;
  }
  if (typeof question === "string" && question.trim() !== "") {
    request.question = question;
  }
  return request;
}

export function normalizeResult(raw: unknown, taskId = ""): AgentResult {
  const r = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  return {
    taskId: typeof r.taskId === "string" ? r.taskId : taskId,
    markdown: typeof r.markdown === "string" ? r.markdown : "",
    edits: list(r.edits).filter(
      (e): e is AgentEdit => !!e && typeof e.uri === "string" && typeof e.new_text === "string" && isRange(e.range),
    ),
    files: list(r.files).filter((f): f is AgentFile => !!f && typeof f.path === "string" && typeof f.text === "string"),
    findings: list(r.findings).filter((f): f is AgentFinding => !!f && typeof f.message === "string"),
    agent: r.agent !== null && typeof r.agent === "object" ? (r.agent as AgentInfo) : {},
  };
}

/** Offset into `text` of an LSP position (UTF-16 units, which is what JavaScript strings count). */
export function offsetAt(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) {
      return text.length;
    }
    offset = next + 1;
  }
  const end = text.indexOf("\n", offset);
  const lineEnd = end < 0 ? text.length : end;
  return Math.min(offset + position.character, lineEnd);
}

/** The text after applying the answer's edits for `uri` (what the diff preview shows). */
export function proposedText(text: string, edits: AgentEdit[], uri: string): string {
  const mine = edits
    .filter((e) => e.uri === uri || uriPath(e.uri) === uriPath(uri))
    .map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), text: e.new_text }))
    .sort((a, b) => b.start - a.start);
  let result = text;
  for (const e of mine) {
    result = result.slice(0, e.start) + e.text + result.slice(e.end);
  }
  return result;
}

function uriPath(uri: string): string {
  return uri.startsWith("file://") ? decodeURIComponent(uri.slice("file://".length)) : uri;
}

export function progressTitle(kind: AgentKind): string {
  return `HyperCode: ${WORDS[kind]}`;
}

/** One short line for the progress notification. */
export function progressMessage(update: AgentProgress): string {
  const role = update.agent?.role;
  switch (update.state) {
    case "queued":
      return "Queued";
    case "working":
      return (role ? `The ${role} is working` : "Working") + (update.message ? `: ${update.message}` : "");
    case "done":
      return "Done";
    case "cancelled":
      return "Cancelled";
    default:
      return update.message || "This didn't finish";
  }
}

export function answeredBy(agent: AgentInfo): string {
  return agent.role ? `Answered by the ${agent.role} (${agent.engine ?? "rules"}).` : "";
}

/** The answer as one markdown document: the agent's words, its findings, and who answered. */
export function renderAnswer(kind: AgentKind, result: AgentResult): string {
  const parts = [`# ${progressTitle(kind)}`, result.markdown.trim()];
  const extra = result.findings.filter((f) => f.input && !result.markdown.includes(f.message));
  if (extra.length) {
    parts.push(extra.map((f) => `- ${f.message}`).join("\n"));
  }
  const who = answeredBy(result.agent);
  if (who) {
    parts.push(`_${who}_`);
  }
  return parts.filter((p) => p !== "").join("\n\n") + "\n";
}

/** What to offer after an answer: a diff for edits, a new file for tests, or nothing. */
export function offerFor(result: AgentResult): "edit" | "file" | "none" {
  if (result.edits.length) {
    return "edit";
  }
  return result.files.length ? "file" : "none";
}

export const BUTTON_ACCEPT = "Accept";
export const BUTTON_DISCARD = "Discard";
export const acceptEditPrompt = "HyperCode checked this edit. Accept it? It applies as one undo step.";
export const acceptFilePrompt = (name: string) => `HyperCode wrote tests as ${name}. Add the file beside your program?`;
export const noServerForAgents =
  "The HyperCode language server is not running, so the agents can't answer yet. Use “HyperCode: Restart server”, then try again.";
export const agentDidNotFinish = (message: string) => `HyperCode couldn't finish this request: ${message}`;
export const editNotApplied = "The edit wasn't applied: the file changed after the answer was made. Ask again.";

/**
 * Tracks requests in flight: `start` sends the request and resolves with the result once the
 * server's `hypercode/agentResult` arrives; progress updates go to the request's callback.
 */
export class AgentTasks {
  private readonly waiting = new Map<
    string,
    { onProgress: (p: AgentProgress) => void; resolve: (r: AgentResult | undefined) => void; reject: (e: Error) => void }
  >();
  private readonly early = new Map<string, { progress: AgentProgress[]; result?: unknown; final?: AgentProgress }>();

  constructor(private readonly send: (method: string, params: unknown) => Promise<unknown>) {}

  async start(request: AgentRequest, onProgress: (p: AgentProgress) => void): Promise<{ taskId: string; done: Promise<AgentResult | undefined> }> {
    const reply = (await this.send(AGENT_REQUEST, request)) as { taskId?: unknown } | undefined;
    if (!reply || typeof reply.taskId !== "string") {
      throw new Error("the server didn't accept the request");
    }
    const taskId = reply.taskId;
    const done = new Promise<AgentResult | undefined>((resolve, reject) => {
      this.waiting.set(taskId, { onProgress, resolve, reject });
    });
    const early = this.early.get(taskId);
    this.early.delete(taskId);
    if (early) {
      early.progress.forEach((p) => this.progress(p));
      if (early.result !== undefined) {
        this.result({ taskId, result: early.result, ...(early.final ?? {}) });
      }
    }
    return { taskId, done };
  }

  cancel(taskId: string): Promise<unknown> {
    return this.send(AGENT_CANCEL, { taskId });
  }

  /** A `hypercode/agentProgress` notification. */
  progress(update: AgentProgress): void {
    const entry = this.waiting.get(update.taskId);
    if (!entry) {
      this.remember(update.taskId).progress.push(update);
      return;
    }
    entry.onProgress(update);
    if (update.state === "failed") {
      this.waiting.delete(update.taskId);
      entry.reject(new Error(update.message || "the request failed"));
    } else if (update.state === "cancelled") {
      this.waiting.delete(update.taskId);
      entry.resolve(undefined);
    }
  }

  /** A `hypercode/agentResult` notification. */
  result(message: { taskId: string; result: unknown; state?: string; message?: string }): void {
    const entry = this.waiting.get(message.taskId);
    if (!entry) {
      const early = this.remember(message.taskId);
      early.result = message.result ?? null;
      return;
    }
    this.waiting.delete(message.taskId);
    if (message.result === null || message.result === undefined) {
      if (message.state === "failed") {
        entry.reject(new Error(message.message || "the request failed"));
      } else {
        entry.resolve(undefined);
      }
      return;
    }
    entry.resolve(normalizeResult(message.result, message.taskId));
  }

  get pending(): number {
    return this.waiting.size;
  }

  private remember(taskId: string) {
    let early = this.early.get(taskId);
    if (!early) {
      early = { progress: [] };
      this.early.set(taskId, early);
    }
    return early;
  }
}
