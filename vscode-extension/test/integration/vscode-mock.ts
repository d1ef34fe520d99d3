// A small stand-in for the `vscode` module: enough for vscode-languageclient 11 and our
// extension to activate, start a server, and run commands under node. It records what the
// extension shows so tests can assert on it. Anything not modelled is a harmless no-op.

/* eslint-disable @typescript-eslint/no-explicit-any */
type Listener = (e: any) => any;

export class EventEmitter<T = any> {
  private listeners: Listener[] = [];
  event = (listener: Listener) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Disposable {
  constructor(private readonly fn: () => void = () => undefined) {}
  static from(...items: { dispose(): any }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query = "",
    readonly fragment = "",
  ) {}
  static parse(value: string): Uri {
    const m = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(value);
    if (!m) throw new Error(`mock Uri.parse: ${value}`);
    return new Uri(m[1], m[2] ?? "", decodeURIComponent(m[3]), m[4] ?? "", m[5] ?? "");
  }
  static file(p: string): Uri {
    return new Uri("file", "", p);
  }
  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? "", c.path ?? "", c.query ?? "", c.fragment ?? "");
  }
  get fsPath(): string {
    return this.path;
  }
  with(c: Partial<{ scheme: string; authority: string; path: string; query: string; fragment: string }>): Uri {
    return new Uri(c.scheme ?? this.scheme, c.authority ?? this.authority, c.path ?? this.path, c.query ?? this.query, c.fragment ?? this.fragment);
  }
  toString(): string {
    const auth = this.authority || this.scheme === "file" ? `//${this.authority}` : "";
    return `${this.scheme}:${auth}${this.path}${this.query ? "?" + this.query : ""}${this.fragment ? "#" + this.fragment : ""}`;
  }
  toJSON(): unknown {
    return { scheme: this.scheme, path: this.path };
  }
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}
export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: any, b: any, c?: number, d?: number) {
    if (typeof a === "number") {
      this.start = new Position(a, b);
      this.end = new Position(c!, d!);
    } else {
      this.start = a;
      this.end = b;
    }
  }
  get isEmpty(): boolean {
    return this.start.line === this.end.line && this.start.character === this.end.character;
  }
}
/** A text editor tab's input: the language client pulls diagnostics for the documents in tabs. */
export class TabInputText {
  constructor(public readonly uri: Uri) {}
}
export class TabInputTextDiff {
  constructor(public readonly original: Uri, public readonly modified: Uri) {}
}
export class TabInputCustom {
  constructor(public readonly uri: Uri) {}
}
export class TabInputNotebook {
  constructor(public readonly uri: Uri) {}
}

export class Selection extends Range {
  get active(): Position {
    return this.end;
  }
  get anchor(): Position {
    return this.start;
  }
}

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {}
}

class Stub {
  constructor(..._args: any[]) {}
}
export class CancellationError extends Error {}
export class CompletionItem extends Stub {}
export class CodeLens extends Stub {}
export class DocumentLink extends Stub {}
export class InlayHint extends Stub {}
export class SymbolInformation extends Stub {}
export class CallHierarchyItem extends Stub {}
export class TypeHierarchyItem extends Stub {}
export class CodeAction extends Stub {}
export class Diagnostic {
  code: unknown;
  source: string | undefined;
  constructor(
    public range: Range,
    public message: string,
    public severity = 0,
  ) {}
}

export const StatusBarAlignment = { Left: 1, Right: 2 };
export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 };
export const ViewColumn = { Active: -1, Beside: -2, One: 1 };
export const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 };
export const LogLevel = { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 };
export const version = "1.91.0";

export interface Shown {
  kind: "error" | "warning" | "information";
  message: string;
  items: string[];
}

export interface MockState {
  settings: Record<string, unknown>;
  workspaceFolders: string[];
  shown: Shown[];
  /** Answer the next notification with this button (then reset to undefined). */
  nextChoice: string | undefined;
  executed: { command: string; args: unknown[] }[];
  commands: Map<string, (...args: any[]) => any>;
  channels: Map<string, string[]>;
  statusItems: { text: string; tooltip?: string; command?: string }[];
  activeTextEditor: any;
  diagnostics: Map<string, any[]>;
  contentProviders: Map<string, any>;
  unknown: Set<string>;
  configChanged: EventEmitter<any>;
  /** Documents open in the mock editor (what `workspace.textDocuments` returns). */
  documents: any[];
}

/** A minimal text document, enough for the language client's didOpen. */
export function textDocument(uri: Uri, text: string, languageId = "hypercode"): any {
  const lines = text.split("\n");
  return {
    uri,
    fileName: uri.fsPath,
    languageId,
    version: 1,
    isClosed: false,
    isDirty: false,
    isUntitled: false,
    lineCount: lines.length,
    eol: 1,
    getText: () => text,
    lineAt: (line: number) => ({ text: lines[line] ?? "" }),
  };
}

const noopEvent = () => ({ dispose() {} });

/** Wraps a namespace so unknown members are no-op functions (and get recorded). */
function lenient<T extends object>(name: string, obj: T, state: MockState): T {
  return new Proxy(obj, {
    get(target, prop, receiver) {
      if (prop in target || typeof prop === "symbol") return Reflect.get(target, prop, receiver);
      state.unknown.add(`${name}.${String(prop)}`);
      return () => ({ dispose() {} });
    },
  });
}

export function createVscodeMock(): { vscode: any; state: MockState } {
  const state: MockState = {
    settings: {},
    workspaceFolders: [],
    shown: [],
    nextChoice: undefined,
    executed: [],
    commands: new Map(),
    channels: new Map(),
    statusItems: [],
    activeTextEditor: undefined,
    diagnostics: new Map(),
    contentProviders: new Map(),
    unknown: new Set(),
    configChanged: new EventEmitter(),
    documents: [],
  };

  const show = (kind: Shown["kind"]) => async (message: string, ...rest: any[]) => {
    const items = rest.filter((r) => typeof r === "string");
    state.shown.push({ kind, message, items });
    const choice = state.nextChoice;
    state.nextChoice = undefined;
    return choice;
  };

  const channel = (name: string) => {
    const lines: string[] = [];
    state.channels.set(name, lines);
    const logAt = (level: string) => (m: string) => lines.push(`[${level}] ${m}`);
    return {
      name,
      logLevel: LogLevel.Info,
      onDidChangeLogLevel: noopEvent,
      append: (v: string) => lines.push(v),
      appendLine: (v: string) => lines.push(v),
      replace: (v: string) => lines.splice(0, lines.length, v),
      clear: () => lines.splice(0, lines.length),
      show: () => undefined,
      hide: () => undefined,
      dispose: () => undefined,
      trace: logAt("trace"),
      debug: logAt("debug"),
      info: logAt("info"),
      warn: logAt("warn"),
      error: logAt("error"),
    };
  };

  const configuration = (section?: string) => ({
    get: (key: string, dflt?: unknown) => {
      const full = section ? `${section}.${key}` : key;
      if (full in state.settings) return state.settings[full];
      // Like VS Code, a section name gives the nested object of the settings under it.
      const nested: Record<string, any> = {};
      let found = false;
      for (const [k, v] of Object.entries(state.settings)) {
        if (!k.startsWith(full + ".")) continue;
        found = true;
        const parts = k.slice(full.length + 1).split(".");
        let obj = nested;
        for (const part of parts.slice(0, -1)) obj = obj[part] ??= {};
        obj[parts[parts.length - 1]] = v;
      }
      return found ? nested : dflt;
    },
    has: (key: string) => (section ? `${section}.${key}` : key) in state.settings,
    inspect: () => undefined,
    update: async () => undefined,
  });

  const workspace = lenient(
    "workspace",
    {
      get workspaceFolders() {
        return state.workspaceFolders.map((p, index) => ({ uri: Uri.file(p), name: p.split("/").pop(), index }));
      },
      get textDocuments() {
        return state.documents;
      },
      notebookDocuments: [] as any[],
      getConfiguration: (section?: string) => configuration(section),
      onDidChangeConfiguration: state.configChanged.event,
      onDidChangeWorkspaceFolders: noopEvent,
      onDidOpenTextDocument: noopEvent,
      onDidChangeTextDocument: noopEvent,
      onDidCloseTextDocument: noopEvent,
      onDidSaveTextDocument: noopEvent,
      onWillSaveTextDocument: noopEvent,
      onDidOpenNotebookDocument: noopEvent,
      onDidChangeNotebookDocument: noopEvent,
      onDidSaveNotebookDocument: noopEvent,
      onDidCloseNotebookDocument: noopEvent,
      registerTextDocumentContentProvider: (scheme: string, provider: any) => {
        state.contentProviders.set(scheme, provider);
        return new Disposable(() => state.contentProviders.delete(scheme));
      },
      openTextDocument: async (uri: Uri) => {
        const provider = state.contentProviders.get(uri.scheme);
        const text = provider ? await provider.provideTextDocumentContent(uri) : "";
        return { uri, getText: () => text, languageId: "plaintext" };
      },
      applyEdit: async () => true,
    },
    state,
  );

  const window = lenient(
    "window",
    {
      get activeTextEditor() {
        return state.activeTextEditor;
      },
      visibleTextEditors: [] as any[],
      // Every open document is shown in a tab, as when a person opens files in VS Code.
      tabGroups: {
        get all() {
          return [{ tabs: state.documents.map((d: any) => ({ input: new TabInputText(d.uri) })) }];
        },
        onDidChangeTabs: noopEvent,
        onDidChangeTabGroups: noopEvent,
      },
      onDidChangeVisibleTextEditors: noopEvent,
      onDidChangeActiveTextEditor: noopEvent,
      showErrorMessage: show("error"),
      showWarningMessage: show("warning"),
      showInformationMessage: show("information"),
      showQuickPick: async (items: any[]) => items[0],
      showInputBox: async () => undefined,
      setStatusBarMessage: (text: string) => {
        state.shown.push({ kind: "information", message: `[status bar] ${text}`, items: [] });
        return new Disposable();
      },
      createOutputChannel: (name: string) => channel(name),
      createStatusBarItem: () => {
        const item: any = { text: "", tooltip: "", command: undefined, show() {}, hide() {}, dispose() {} };
        state.statusItems.push(item);
        return item;
      },
      withProgress: async (_opts: unknown, task: (p: unknown, t: unknown) => unknown) =>
        task({ report() {} }, new CancellationTokenSource().token),
      showTextDocument: async () => undefined,
    },
    state,
  );

  const languages = lenient(
    "languages",
    {
      match: (selector: any, doc: any) => {
        const list = Array.isArray(selector) ? selector : [selector];
        return list.some((s: any) => (typeof s === "string" ? s : s.language) === doc.languageId) ? 10 : 0;
      },
      createDiagnosticCollection: () => {
        // Published diagnostics also land in state.diagnostics, like languages.getDiagnostics.
        const map = state.diagnostics;
        return {
          set: (uri: Uri, d: any[]) => map.set(uri.toString(), d ?? []),
          delete: (uri: Uri) => map.delete(uri.toString()),
          get: (uri: Uri) => map.get(uri.toString()),
          forEach: () => undefined,
          clear: () => map.clear(),
          dispose: () => map.clear(),
        };
      },
      getDiagnostics: (uri: Uri) => state.diagnostics.get(uri.toString()) ?? [],
      setTextDocumentLanguage: async (doc: any) => doc,
    },
    state,
  );

  const commands = lenient(
    "commands",
    {
      registerCommand: (id: string, fn: (...args: any[]) => any) => {
        if (state.commands.has(id)) throw new Error(`command '${id}' already exists`);
        state.commands.set(id, fn);
        return new Disposable(() => state.commands.delete(id));
      },
      executeCommand: async (id: string, ...args: unknown[]) => {
        const fn = state.commands.get(id);
        if (fn) return fn(...args);
        state.executed.push({ command: id, args });
        return undefined;
      },
    },
    state,
  );

  const env = lenient("env", { language: "en", appName: "Mock Code", machineId: "mock", openExternal: async () => true }, state);
  const extensions = lenient("extensions", { getExtension: () => undefined, all: [] }, state);

  const vscode = new Proxy(
    {
      version,
      EventEmitter,
      Disposable,
      Uri,
      Position,
      Range,
      Selection,
      TabInputText,
      TabInputTextDiff,
      TabInputCustom,
      TabInputNotebook,
      CancellationTokenSource,
      CancellationError,
      CompletionItem,
      CodeLens,
      DocumentLink,
      InlayHint,
      SymbolInformation,
      CallHierarchyItem,
      TypeHierarchyItem,
      CodeAction,
      Diagnostic,
      StatusBarAlignment,
      ProgressLocation,
      ViewColumn,
      DiagnosticSeverity,
      LogLevel,
      workspace,
      window,
      languages,
      commands,
      env,
      extensions,
    } as Record<string, unknown>,
    {
      get(target, prop) {
        if (prop in target || typeof prop === "symbol") return target[prop as string];
        if (prop === "__esModule") return true; // so `__importStar` uses this object as it is
        if (prop === "then" || prop === "default") return undefined;
        state.unknown.add(String(prop));
        // An enum-or-class stand-in: constructible, extendable, and every member is a stable string.
        const stub = new Proxy(class extends Stub {}, {
          get: (cls, member) => (member in cls || typeof member === "symbol" ? Reflect.get(cls, member) : `${String(prop)}.${String(member)}`),
        });
        target[prop] = stub;
        return stub;
      },
    },
  );
  return { vscode, state };
}
