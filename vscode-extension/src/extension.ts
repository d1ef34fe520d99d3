// VS Code glue: starts the language client, registers the commands, keeps the status bar.
// The decisions (where the server is, what the settings are, what the words say) live in
// ./core, which does not import `vscode` and is unit-tested under node.

import * as path from "node:path";
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";

import { Agents } from "./agents";
import { CLIENT_AGENT_COMMANDS } from "./core/agents";
import { discoverServerOnDisk, type Discovery, needsShell } from "./core/discovery";
import {
  choicesForCursor,
  codeFromPath,
  EXPLAIN_SCHEME,
  explainPath,
  type Explanation,
  normalizeCode,
  normalizeExplanation,
  renderExplanation,
} from "./core/explain";
import * as msg from "./core/messages";
import { RestartPolicy } from "./core/restarts";
import {
  buildRunParams,
  EXPLAIN_REQUEST,
  formatRunResult,
  normalizeRunResult,
  RUN_REQUEST,
  startLine,
} from "./core/run";
import { configurationFor, type HypercodeSettings, needsRestart, readSettings, SECTION } from "./core/settings";
import { Voice } from "./voice";

const LANGUAGE_ID = "hypercode";

function currentSettings(scope?: vscode.Uri): HypercodeSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  return readSettings((key) => cfg.get(key));
}

function workspaceFolderPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath);
}

/** Serves `hypercode-explain:HC1001.md` documents from the explanations fetched from the server. */
class ExplainProvider implements vscode.TextDocumentContentProvider {
  private readonly cache = new Map<string, Explanation>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly fetch: (code: string) => Promise<Explanation>) {}

  remember(uri: vscode.Uri, e: Explanation): void {
    this.cache.set(uri.toString(), e);
    this.changed.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const known = this.cache.get(uri.toString());
    if (known) {
      return renderExplanation(known);
    }
    const code = codeFromPath(uri.path);
    if (!code) {
      return msg.askCodeInvalid + "\n";
    }
    try {
      const e = await this.fetch(code);
      this.cache.set(uri.toString(), e);
      return renderExplanation(e);
    } catch (err) {
      return `# ${code}\n\n${msg.explainFailed(code, String(err))}\n`;
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

class HypercodeExtension implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private state: msg.ServerState = "stopped";
  private lastDiscovery: Discovery | undefined;
  /** The "could not find" notification is shown once by itself; after that only when asked. */
  private missingShown = false;
  private runsInProgress = 0;
  private readonly restarts = new RestartPolicy();
  private readonly status: vscode.StatusBarItem;
  private readonly runChannel: vscode.OutputChannel;
  private readonly log: vscode.LogOutputChannel;
  private readonly explainProvider: ExplainProvider;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(context: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel("HyperCode Language Server", { log: true });
    this.runChannel = vscode.window.createOutputChannel("HyperCode Run");
    this.status = vscode.window.createStatusBarItem("hypercode.status", vscode.StatusBarAlignment.Left, 10);
    this.status.name = "HyperCode";
    this.status.command = "hypercode.statusMenu";
    this.explainProvider = new ExplainProvider((code) => this.fetchExplanation(code));
    this.disposables.push(this.log, this.runChannel, this.status, this.explainProvider);

    const register = (id: string, fn: (...args: any[]) => unknown) =>
      this.disposables.push(vscode.commands.registerCommand(id, fn));
    register("hypercode.runFile", () => this.runFile());
    register("hypercode.runFunction", (uri?: unknown, fn?: unknown) => this.runFunction(uri, fn));
    register("hypercode.explain", (code?: unknown) => this.explain(code));
    register("hypercode.explainError", () => this.explainError());
    register("hypercode.restartServer", () => this.restart(true));
    register("hypercode.statusMenu", () => this.statusMenu());
    this.disposables.push(new Agents(() => this.client));   // hypercode.agent.* (./agents.ts)
    this.disposables.push(new Voice());                     // hypercode.voice.* (./voice.ts)

    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, this.explainProvider),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (needsRestart((s) => e.affectsConfiguration(s))) {
          void this.restart(true);
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        if (this.state === "missing") {
          void this.start(false);
        }
      }),
    );
    context.subscriptions.push(this);
    this.setState("stopped");
    this.status.show();
  }

  // ── server lifecycle ──────────────────────────────────────────────────────

  private setState(state: msg.ServerState): void {
    this.state = state;
    const s = msg.statusFor(state);
    this.status.text = `$(${s.icon}) ${s.text}`;
    this.status.tooltip = s.tooltip;
  }

  private isRunning(): boolean {
    return this.client !== undefined && this.client.state === State.Running;
  }

  async start(userAsked: boolean): Promise<void> {
    const settings = currentSettings();
    const discovery = discoverServerOnDisk(settings.server.path, workspaceFolderPaths());
    this.lastDiscovery = discovery;
    if (discovery.kind !== "found") {
      this.setState("missing");
      if (discovery.kind === "not-found") {
        this.log.info(`Looked for ${discovery.searched.length} places; the first ones were:`);
        for (const p of discovery.searched.slice(0, 10)) {
          this.log.info(`  ${p}`);
        }
      }
      void this.showMissing(discovery, userAsked);
      return;
    }
    this.log.info(`Starting ${discovery.command} (found via ${discovery.source}).`);

    const cwd = workspaceFolderPaths()[0];
    const serverOptions: ServerOptions = {
      command: discovery.command,
      args: [],
      transport: TransportKind.stdio,
      options: { ...(cwd ? { cwd } : {}), shell: needsShell(discovery.command, process.platform) },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: LANGUAGE_ID },
        { scheme: "untitled", language: LANGUAGE_ID },
      ],
      synchronize: { configurationSection: SECTION },
      // The server advertises its executeCommand commands less these, which this extension
      // registers itself (vscode-languageclient would register them a second time and fail).
      initializationOptions: { ...settings, clientCommands: ["hypercode.explain", "hypercode.runFunction", ...CLIENT_AGENT_COMMANDS] },
      outputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      errorHandler: {
        error: (_error, _message, count) => ({
          action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
          handled: true,
        }),
        closed: () => {
          if (this.restarts.shouldRestart()) {
            this.log.warn("The server stopped unexpectedly; starting it again.");
            return { action: CloseAction.Restart, handled: true };
          }
          void this.showStopped();
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
      middleware: {
        workspace: {
          configuration: async (params, token, next) => {
            const answer = await next(params, token);
            if (!Array.isArray(answer)) {
              return answer;
            }
            return params.items.map((item, i) => {
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              const ours = configurationFor(item.section, currentSettings(scope));
              return ours === undefined ? answer[i] : ours;
            });
          },
        },
      },
    };

    const client = new LanguageClient("hypercode", "HyperCode Language Server", serverOptions, clientOptions);
    this.client = client;
    this.disposables.push(
      client.onDidChangeState((e) => {
        if (this.client !== client) {
          return;
        }
        if (e.newState === State.Running) {
          this.setState("running");
        } else if (e.newState === State.Starting) {
          this.setState("starting");
        } else if (this.state !== "failed") {
          this.setState("stopped");
        }
      }),
    );
    this.setState("starting");
    try {
      await client.start();
      this.setState("running");
    } catch (err) {
      this.log.error(`The server did not start: ${String(err)}`);
      this.setState("failed");
      void this.showFailed();
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) {
      return;
    }
    try {
      if (client.state !== State.Stopped) {
        await client.stop(2000);
      }
    } catch (err) {
      this.log.warn(`Stopping the server: ${String(err)}`);
    }
    try {
      await client.dispose(2000);
    } catch {
      // Already stopped; nothing more to do.
    }
    this.setState("stopped");
  }

  async restart(userAsked: boolean): Promise<void> {
    this.restarts.reset();
    await this.stop();
    await this.start(userAsked);
    if (userAsked && this.state === "running") {
      vscode.window.setStatusBarMessage(msg.serverRestarted, 4000);
    }
  }

  private async showMissing(d: Exclude<Discovery, { kind: "found" }>, userAsked: boolean): Promise<void> {
    if (this.missingShown && !userAsked) {
      return;
    }
    this.missingShown = true;
    const choice = await vscode.window.showErrorMessage(msg.serverMissing(d), msg.BUTTON_OPEN_SETTING, msg.BUTTON_TRY_AGAIN);
    if (choice === msg.BUTTON_OPEN_SETTING) {
      await vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.server.path`);
    } else if (choice === msg.BUTTON_TRY_AGAIN) {
      await this.restart(true);
    }
  }

  private async showFailed(): Promise<void> {
    const choice = await vscode.window.showErrorMessage(msg.serverDidNotStart, msg.BUTTON_SHOW_LOG, msg.BUTTON_TRY_AGAIN);
    if (choice === msg.BUTTON_SHOW_LOG) {
      this.log.show(true);
    } else if (choice === msg.BUTTON_TRY_AGAIN) {
      await this.restart(true);
    }
  }

  private async showStopped(): Promise<void> {
    this.setState("failed");
    const choice = await vscode.window.showWarningMessage(msg.serverStopped, msg.BUTTON_SHOW_LOG, msg.BUTTON_TRY_AGAIN);
    if (choice === msg.BUTTON_SHOW_LOG) {
      this.log.show(true);
    } else if (choice === msg.BUTTON_TRY_AGAIN) {
      await this.restart(true);
    }
  }

  private async statusMenu(): Promise<void> {
    if (this.state === "missing" && this.lastDiscovery && this.lastDiscovery.kind !== "found") {
      await this.showMissing(this.lastDiscovery, true);
      return;
    }
    type Item = vscode.QuickPickItem & { run: () => unknown };
    const items: Item[] = [];
    const editor = vscode.window.activeTextEditor;
    if (this.isRunning() && editor?.document.languageId === LANGUAGE_ID) {
      items.push({ label: "$(play) Run file", run: () => this.runFile() });
      items.push({ label: "$(question) Explain this error", run: () => this.explainError() });
    }
    items.push(
      { label: "$(debug-restart) Restart server", run: () => this.restart(true) },
      { label: "$(output) Show server log", run: () => this.log.show(true) },
      { label: "$(gear) Open HyperCode settings", run: () => vscode.commands.executeCommand("workbench.action.openSettings", SECTION) },
    );
    const picked = await vscode.window.showQuickPick(items, { placeHolder: msg.statusFor(this.state).tooltip });
    await picked?.run();
  }

  // ── running programs ──────────────────────────────────────────────────────

  private async runFile(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== LANGUAGE_ID) {
      void vscode.window.showInformationMessage(msg.openHcFileFirst);
      return;
    }
    const sel = editor.selection;
    await this.runRequest(editor.document.uri, {
      selection: { start: sel.start, end: sel.end },
    });
  }

  private async runFunction(uriArg: unknown, fnArg: unknown): Promise<void> {
    let uri: vscode.Uri | undefined;
    if (uriArg instanceof vscode.Uri) {
      uri = uriArg;
    } else if (typeof uriArg === "string" && uriArg !== "") {
      uri = vscode.Uri.parse(uriArg);
    } else if (vscode.window.activeTextEditor?.document.languageId === LANGUAGE_ID) {
      uri = vscode.window.activeTextEditor.document.uri;
    }
    if (!uri) {
      void vscode.window.showInformationMessage(msg.openHcFileFirst);
      return;
    }
    const functionName = typeof fnArg === "string" && fnArg !== "" ? fnArg : undefined;
    await this.runRequest(uri, { functionName });
  }

  private async runRequest(
    uri: vscode.Uri,
    opts: { selection?: { start: vscode.Position; end: vscode.Position }; functionName?: string },
  ): Promise<void> {
    const client = this.client;
    if (!client || !this.isRunning()) {
      const choice = await vscode.window.showInformationMessage(msg.noServerForRun, msg.BUTTON_RESTART);
      if (choice) {
        await this.restart(true);
      }
      return;
    }
    const settings = currentSettings(uri);
    const params = buildRunParams({
      uri: uri.toString(),
      selection: opts.selection
        ? {
            start: { line: opts.selection.start.line, character: opts.selection.start.character },
            end: { line: opts.selection.end.line, character: opts.selection.end.character },
          }
        : undefined,
      functionName: opts.functionName,
      timeLimit: settings.run.timeLimit,
    });
    const fileName = path.posix.basename(uri.path) || uri.toString();
    const channel = this.runChannel;
    channel.show(true);
    if (this.runsInProgress === 0) {
      channel.clear();
    }
    channel.appendLine(startLine(fileName, params));
    this.runsInProgress++;
    try {
      const raw = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `HyperCode: running ${fileName}` },
        () => client.sendRequest(RUN_REQUEST, params),
      );
      for (const line of formatRunResult(normalizeRunResult(raw), { timeLimit: settings.run.timeLimit })) {
        channel.appendLine(line);
      }
    } catch (err) {
      channel.appendLine(msg.runFailed(err instanceof Error ? err.message : String(err)));
    } finally {
      this.runsInProgress--;
      channel.appendLine("");
    }
  }

  // ── explanations ──────────────────────────────────────────────────────────

  private async fetchExplanation(code: string): Promise<Explanation> {
    const client = this.client;
    if (!client || !this.isRunning()) {
      throw new Error(msg.noServerForExplain);
    }
    const raw = await client.sendRequest(EXPLAIN_REQUEST, { code });
    return normalizeExplanation(raw, code);
  }

  private async explain(codeArg?: unknown): Promise<void> {
    let code = normalizeCode(codeArg);
    if (!code) {
      const typed = await vscode.window.showInputBox({
        prompt: msg.askCodePrompt,
        placeHolder: "HC1001",
        validateInput: (v) => (normalizeCode(v) ? undefined : msg.askCodeInvalid),
      });
      code = normalizeCode(typed);
      if (!code) {
        return;
      }
    }
    if (!this.isRunning()) {
      const choice = await vscode.window.showInformationMessage(msg.noServerForExplain, msg.BUTTON_RESTART);
      if (choice) {
        await this.restart(true);
      }
      return;
    }
    let explanation: Explanation;
    try {
      explanation = await this.fetchExplanation(code);
    } catch (err) {
      void vscode.window.showInformationMessage(msg.explainFailed(code, err instanceof Error ? err.message : String(err)));
      return;
    }
    const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: explainPath(code) });
    this.explainProvider.remember(uri, explanation);
    try {
      await vscode.commands.executeCommand("markdown.showPreviewToSide", uri);
    } catch {
      // The built-in Markdown extension may be turned off: show the read-only text instead.
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(doc, "markdown");
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
    }
  }

  private async explainError(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== LANGUAGE_ID) {
      void vscode.window.showInformationMessage(msg.openHcFileFirst);
      return;
    }
    const diagnostics = vscode.languages.getDiagnostics(editor.document.uri);
    const { atCursor, choices } = choicesForCursor(diagnostics, editor.selection.active);
    if (choices.length === 0) {
      void vscode.window.showInformationMessage(msg.nothingToExplain);
      return;
    }
    if (atCursor && choices.length === 1) {
      await this.explain(choices[0].code);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      choices.map((c) => ({ label: c.code, description: `line ${c.line + 1}`, detail: c.message, code: c.code })),
      { placeHolder: msg.pickCodePlaceholder, matchOnDetail: true },
    );
    if (picked) {
      await this.explain(picked.code);
    }
  }

  dispose(): void {
    void this.stop();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

let extension: HypercodeExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new HypercodeExtension(context);
  await extension.start(false);
}

export async function deactivate(): Promise<void> {
  const ext = extension;
  extension = undefined;
  await ext?.stop();
}
