// Diagnostic codes and the read-only explanation documents.
// Plain module: no `vscode` import.

export const EXPLAIN_SCHEME = "hypercode-explain";

const CODE_RE = /^HC\d{4}$/;

export function isDiagnosticCode(value: unknown): value is string {
  return typeof value === "string" && CODE_RE.test(value.trim().toUpperCase());
}

/** "hc1001 " → "HC1001"; anything else → undefined. */
export function normalizeCode(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 9999) {
    return `HC${String(value).padStart(4, "0")}`;
  }
  if (typeof value !== "string") {
    return undefined;
  }
  const v = value.trim().toUpperCase();
  if (CODE_RE.test(v)) {
    return v;
  }
  if (/^\d{4}$/.test(v)) {
    return `HC${v}`;
  }
  return undefined;
}

/** The code of an LSP/VS Code diagnostic: a string, a number, or `{ value, target }`. */
export function codeOf(diagnosticCode: unknown): string | undefined {
  if (diagnosticCode !== null && typeof diagnosticCode === "object" && "value" in diagnosticCode) {
    return normalizeCode((diagnosticCode as { value: unknown }).value);
  }
  return normalizeCode(diagnosticCode);
}

/** The virtual document path for a code: `HC1001.md` (the URI is `hypercode-explain:HC1001.md`). */
export function explainPath(code: string): string {
  return `${code}.md`;
}

/** The code back from a virtual document path. */
export function codeFromPath(p: string): string | undefined {
  const m = /^\/?(HC\d{4})\.md$/i.exec(p);
  return m ? m[1].toUpperCase() : undefined;
}

export interface Explanation {
  code: string;
  title: string;
  explanation: string;
}

export function normalizeExplanation(raw: unknown, code: string): Explanation {
  const r = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  return {
    code: typeof r.code === "string" && r.code !== "" ? r.code : code,
    title: typeof r.title === "string" ? r.title : "",
    explanation: typeof r.explanation === "string" ? r.explanation : "",
  };
}

/**
 * The Markdown shown in the preview. When the server's explanation already starts with a
 * heading (it may carry its own title), that heading is kept and no second one is added.
 */
export function renderExplanation(e: Explanation): string {
  const body = e.explanation.trim() || "There is no longer explanation for this code yet.";
  if (/^#{1,6}\s/.test(body)) {
    return `${body}\n`;
  }
  const heading = e.title ? `# ${e.code}: ${e.title}` : `# ${e.code}`;
  return `${heading}\n\n${body}\n`;
}

export interface SimpleDiagnostic {
  code?: unknown;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export interface CodeChoice {
  code: string;
  message: string;
  line: number; // 0-based
}

function contains(d: SimpleDiagnostic, line: number, character: number): boolean {
  const { start, end } = d.range;
  if (line < start.line || line > end.line) {
    return false;
  }
  if (line === start.line && character < start.character) {
    return false;
  }
  // The cursor right after the last character still counts as "on" the message.
  if (line === end.line && character > end.character) {
    return false;
  }
  return true;
}

/**
 * What "Explain this error" should offer for a cursor position:
 * the HyperCode codes under the cursor if any, otherwise every code in the file
 * (one entry per code, first occurrence, in file order).
 */
export function choicesForCursor(
  diagnostics: readonly SimpleDiagnostic[],
  cursor: { line: number; character: number },
): { atCursor: boolean; choices: CodeChoice[] } {
  const withCode = diagnostics
    .map((d) => ({ d, code: codeOf(d.code) }))
    .filter((x): x is { d: SimpleDiagnostic; code: string } => x.code !== undefined);
  const dedupe = (items: typeof withCode): CodeChoice[] => {
    const seen = new Set<string>();
    const out: CodeChoice[] = [];
    const sorted = [...items].sort(
      (a, b) => a.d.range.start.line - b.d.range.start.line || a.d.range.start.character - b.d.range.start.character,
    );
    for (const { d, code } of sorted) {
      if (!seen.has(code)) {
        seen.add(code);
        out.push({ code, message: d.message, line: d.range.start.line });
      }
    }
    return out;
  };
  const here = withCode.filter(({ d }) => contains(d, cursor.line, cursor.character));
  if (here.length > 0) {
    return { atCursor: true, choices: dedupe(here) };
  }
  return { atCursor: false, choices: dedupe(withCode) };
}
