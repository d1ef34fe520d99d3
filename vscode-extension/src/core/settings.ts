// The `hypercode` settings as the language server expects them.
// Plain module: no `vscode` import, so it runs under `node --test`.

export type DiagnosticStyle = "friendly" | "plain";

export interface HypercodeSettings {
  server: { path: string };
  diagnostics: { style: DiagnosticStyle; maxPerFile: number };
  hints: { enabled: boolean };
  run: { timeLimit: number };
}

/** The section name used in package.json, workspace/configuration and didChangeConfiguration. */
export const SECTION = "hypercode";

export const DEFAULTS: Readonly<HypercodeSettings> = Object.freeze({
  server: Object.freeze({ path: "" }),
  diagnostics: Object.freeze({ style: "friendly" as DiagnosticStyle, maxPerFile: 100 }),
  hints: Object.freeze({ enabled: true }),
  run: Object.freeze({ timeLimit: 30 }),
});

/** Every leaf key under the section, in dotted form relative to `hypercode.`. */
export const KEYS = [
  "server.path",
  "diagnostics.style",
  "diagnostics.maxPerFile",
  "hints.enabled",
  "run.timeLimit",
] as const;
export type SettingKey = (typeof KEYS)[number];

function asString(value: unknown, fallback: string): string {
  return typeof value === "string" ? value.trim() : fallback;
}

function asStyle(value: unknown, fallback: DiagnosticStyle): DiagnosticStyle {
  return value === "friendly" || value === "plain" ? value : fallback;
}

function asBoolean(value: unknown, fallback: boolean): boolean {
  return typeof value === "boolean" ? value : fallback;
}

/** A positive number; strings holding a number are accepted (settings.json edited by hand). */
function asPositive(value: unknown, fallback: number, integer: boolean): number {
  const parsed = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof parsed !== "number" || !Number.isFinite(parsed) || parsed <= 0) {
    return fallback;
  }
  let n = parsed;
  if (integer) {
    n = Math.max(1, Math.floor(n));
  }
  return n;
}

/**
 * Builds the settings object from a getter of dotted keys, such as
 * `vscode.workspace.getConfiguration("hypercode").get`. Missing or malformed
 * values fall back to the defaults, so the server always gets the full shape.
 */
export function readSettings(get: (key: SettingKey) => unknown): HypercodeSettings {
  return {
    server: { path: asString(get("server.path"), DEFAULTS.server.path) },
    diagnostics: {
      style: asStyle(get("diagnostics.style"), DEFAULTS.diagnostics.style),
      maxPerFile: asPositive(get("diagnostics.maxPerFile"), DEFAULTS.diagnostics.maxPerFile, true),
    },
    hints: { enabled: asBoolean(get("hints.enabled"), DEFAULTS.hints.enabled) },
    run: { timeLimit: asPositive(get("run.timeLimit"), DEFAULTS.run.timeLimit, false) },
  };
}

/** Looks a dotted path up in a nested object, e.g. `lookup(o, "run.timeLimit")`. */
export function lookup(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const part of dotted.split(".")) {
    if (cur === null || typeof cur !== "object") {
      return undefined;
    }
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The same as `readSettings`, from a nested object (what `workspace/configuration` returns). */
export function normalizeSettings(raw: unknown): HypercodeSettings {
  return readSettings((key) => lookup(raw, key));
}

/**
 * The answer to one `workspace/configuration` item. `section` may be
 * `hypercode` (the whole object) or a sub-section such as `hypercode.run`.
 * Returns `undefined` for a section that is not ours, so the caller keeps
 * the editor's own answer.
 */
export function configurationFor(section: string | undefined, settings: HypercodeSettings): unknown {
  if (section === SECTION) {
    return settings;
  }
  if (section !== undefined && section.startsWith(SECTION + ".")) {
    const value = lookup(settings, section.slice(SECTION.length + 1));
    return value === undefined ? null : value;
  }
  return undefined;
}

/** Whether a change needs a new server process (a new program path) rather than a notification. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return affects(`${SECTION}.server.path`);
}
