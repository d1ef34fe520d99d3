// Building `hypercode/run` requests and writing their results for the output channel.
// Plain module: no `vscode` import.

import type { Range } from "./protocol";

export interface RunParams {
  uri: string;
  range?: Range;
  function?: string;
  timeout?: number;
}

export type RunStatus = "success" | "error" | "timeout";

export interface RunResult {
  stdout: string;
  stderr: string;
  exit_code: number;
  status: RunStatus;
  duration: number;
  diagnostics: unknown[];
}

export const RUN_REQUEST = "hypercode/run";
export const EXPLAIN_REQUEST = "hypercode/explain";

export function isEmptyRange(r: Range | undefined): boolean {
  return r === undefined || (r.start.line === r.end.line && r.start.character === r.end.character);
}

/** Params for the run request. An empty selection runs the whole file. */
export function buildRunParams(opts: { uri: string; selection?: Range; functionName?: string; timeLimit?: number }): RunParams {
  const params: RunParams = { uri: opts.uri };
  if (opts.functionName) {
    params.function = opts.functionName;
  } else if (opts.selection && !isEmptyRange(opts.selection)) {
    params.range = opts.selection;
  }
  if (opts.timeLimit !== undefined && Number.isFinite(opts.timeLimit) && opts.timeLimit > 0) {
    params.timeout = opts.timeLimit;
  }
  return params;
}

/** Accepts whatever the server sent and returns a complete result. */
export function normalizeRunResult(raw: unknown): RunResult {
  const r = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const exit = typeof r.exit_code === "number" ? r.exit_code : Number(r.exit_code ?? NaN);
  const status: RunStatus =
    r.status === "success" || r.status === "error" || r.status === "timeout"
      ? r.status
      : exit === 0
        ? "success"
        : "error";
  return {
    stdout: typeof r.stdout === "string" ? r.stdout : "",
    stderr: typeof r.stderr === "string" ? r.stderr : "",
    exit_code: Number.isFinite(exit) ? exit : status === "success" ? 0 : 1,
    status,
    duration: typeof r.duration === "number" && Number.isFinite(r.duration) ? r.duration : 0,
    diagnostics: Array.isArray(r.diagnostics) ? r.diagnostics : [],
  };
}

/** "0.042 s", "1.50 s", "12.3 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 0.1) {
    return `${seconds.toFixed(3)} s`;
  }
  if (seconds < 10) {
    return `${seconds.toFixed(2)} s`;
  }
  return `${seconds.toFixed(1)} s`;
}

/** What the run covers, in words: "hello.hc", "lines 3–5 of hello.hc", "greet() in hello.hc". */
export function describeTarget(fileName: string, params: RunParams): string {
  if (params.function) {
    return `${params.function}() in ${fileName}`;
  }
  if (params.range) {
    const first = params.range.start.line + 1;
    // A selection that ends at column 0 does not include that last line.
    const lastLine = params.range.end.character === 0 && params.range.end.line > params.range.start.line
      ? params.range.end.line
      : params.range.end.line + 1;
    return first === lastLine ? `line ${first} of ${fileName}` : `lines ${first}–${lastLine} of ${fileName}`;
  }
  return fileName;
}

export function startLine(fileName: string, params: RunParams): string {
  return `── Running ${describeTarget(fileName, params)} ──`;
}

/** One diagnostic from the run result, as a short line. Tolerates the LSP shape and the spec §8 shape. */
export function formatDiagnostic(d: unknown): string {
  const o = d !== null && typeof d === "object" ? (d as Record<string, unknown>) : {};
  const code = typeof o.code === "string" ? o.code : "";
  const message = typeof o.message === "string" ? o.message : String(d);
  let where = "";
  const range = o.range;
  if (Array.isArray(range) && typeof range[0] === "number") {
    where = `line ${range[0]}, column ${range[1] ?? 1}`;
  } else if (range !== null && typeof range === "object") {
    const r = range as Record<string, unknown>;
    if (typeof r.line === "number") {
      where = `line ${r.line}, column ${typeof r.col === "number" ? r.col : 1}`;
    } else if (r.start !== null && typeof r.start === "object") {
      const s = r.start as Record<string, unknown>;
      if (typeof s.line === "number") {
        where = `line ${s.line + 1}, column ${typeof s.character === "number" ? s.character + 1 : 1}`;
      }
    }
  }
  const head = [where, code].filter((x) => x !== "").join(" · ");
  return head ? `${head}: ${message}` : message;
}

/** The lines written to the output channel after a run. */
export function formatRunResult(result: RunResult, opts: { timeLimit?: number } = {}): string[] {
  const lines: string[] = [];
  const pushBlock = (text: string) => {
    const body = text.endsWith("\n") ? text.slice(0, -1) : text;
    lines.push(...body.split("\n"));
  };
  if (result.stdout !== "") {
    pushBlock(result.stdout);
  } else {
    lines.push("(the program printed nothing)");
  }
  if (result.stderr !== "") {
    lines.push("", "stderr:");
    pushBlock(result.stderr);
  }
  if (result.diagnostics.length > 0) {
    lines.push("", result.diagnostics.length === 1 ? "1 message:" : `${result.diagnostics.length} messages:`);
    for (const d of result.diagnostics) {
      lines.push(`  ${formatDiagnostic(d)}`);
    }
  }
  lines.push("", `── ${statusWords(result.status)} · exit code ${result.exit_code} · ${formatDuration(result.duration)} ──`);
  if (result.status === "timeout") {
    const limit = opts.timeLimit !== undefined ? `${opts.timeLimit} s` : "the time limit";
    lines.push(
      `The program reached ${limit} and was stopped. If it needs longer, raise hypercode.run.timeLimit in the settings.`,
    );
  } else if (result.status === "error" && result.diagnostics.length > 0) {
    lines.push("Tip: put the cursor on a message and use “HyperCode: Explain this error” to read more.");
  }
  return lines;
}

function statusWords(status: RunStatus): string {
  switch (status) {
    case "success":
      return "Finished";
    case "error":
      return "Stopped with an error";
    case "timeout":
      return "Stopped at the time limit";
  }
}
