// "HyperCode: Start listening" / "Stop listening" (VOICE.md §4): runs a recorder, streams its
// PCM to the `/voice` endpoint with the document's text, shows the mode and "Heard: …" in the
// status bar, asks when the server is unsure, and applies each command as one undo step.
// The decisions live in ./core/voice (unit-tested without VS Code).

import * as fs from "node:fs";
import * as path from "node:path";
import type { ChildProcess } from "node:child_process";
import * as vscode from "vscode";

import {
  applySplice,
  applyTextEdits,
  askTitle,
  checkVoiceUrl,
  chooseRecorder,
  connectVoice,
  type Effect,
  Framer,
  noRecorderMessage,
  pathLookup,
  positionAt,
  type Recorder,
  recorderFailedMessage,
  readVoiceSettings,
  type ServerMessage,
  staleEdit,
  startMessage,
  startRecorder,
  statusText,
  VoiceController,
  VoiceHistory,
  type VoiceMode,
  type VoiceSocket,
  VOICE_TEXT,
} from "./core/voice";
import { SECTION } from "./core/settings";

const LANGUAGE_ID = "hypercode";
const DOCUMENT_DEBOUNCE_MS = 250;

type CommandMessage = Extract<ServerMessage, { type: "command" }>;

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export class Voice implements vscode.Disposable {
  private readonly status: vscode.StatusBarItem;
  private readonly history = new VoiceHistory();
  private readonly disposables: vscode.Disposable[] = [];
  private session: Session | undefined;

  constructor() {
    this.status = vscode.window.createStatusBarItem("hypercode.voice", vscode.StatusBarAlignment.Left, 9);
    this.status.name = "HyperCode Voice";
    this.status.command = "hypercode.voice.start";
    this.showStatus("off");
    this.status.show();
    this.disposables.push(
      this.status,
      vscode.commands.registerCommand("hypercode.voice.start", () => this.start()),
      vscode.commands.registerCommand("hypercode.voice.stop", () => this.stop()),
    );
  }

  showStatus(mode: VoiceMode | "off", heard?: string, hearing = false): void {
    this.status.text = statusText(mode, heard, hearing);
    this.status.tooltip = mode === "off" ? "HyperCode voice: click to start listening" : "HyperCode voice: click to stop listening";
    this.status.command = mode === "off" ? "hypercode.voice.start" : "hypercode.voice.stop";
  }

  async start(): Promise<void> {
    if (this.session) {
      void vscode.window.setStatusBarMessage(VOICE_TEXT.alreadyListening, 4000);
      return;
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== LANGUAGE_ID) {
      void vscode.window.showInformationMessage(VOICE_TEXT.openFileFirst);
      return;
    }
    const cfg = vscode.workspace.getConfiguration(SECTION, editor.document.uri);
    const settings = readVoiceSettings((k) => cfg.get(k));
    const checked = checkVoiceUrl(settings.url);
    if ("problem" in checked) {
      void vscode.window.showInformationMessage(checked.problem);
      return;
    }
    const which = pathLookup(process.env.PATH ?? "", path.delimiter, isFile);
    const recorder = chooseRecorder(settings.recorder, process.platform, which);
    if (!recorder) {
      void vscode.window.showInformationMessage(noRecorderMessage(settings.recorder));
      return;
    }
    const session = new Session(this, editor.document, recorder, this.history);
    this.session = session;
    this.showStatus("off", VOICE_TEXT.connecting, true);
    try {
      await session.open(checked.url, settings.token);
    } catch (err) {
      this.session = undefined;
      this.showStatus("off");
      void vscode.window.showInformationMessage(err instanceof Error ? err.message : String(err));
    }
  }

  stop(): void {
    this.session?.close();
  }

  ended(session: Session, why?: string): void {
    if (this.session === session) {
      this.session = undefined;
      this.showStatus("off");
      if (why) void vscode.window.showInformationMessage(why);
    }
  }

  dispose(): void {
    this.session?.close();
    for (const d of this.disposables) d.dispose();
  }
}

/** One "Start listening": a recorder, a socket, and the document the commands are for. */
class Session {
  private socket: VoiceSocket | undefined;
  private recorder: ChildProcess | undefined;
  private readonly controller = new VoiceController();
  private readonly disposables: vscode.Disposable[] = [];
  private lastSent = "";
  private debounce: NodeJS.Timeout | undefined;
  private closing = false;
  private finished = false;
  private stderr = "";
  /** Server messages are handled one at a time: an edit finishes before the next command. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly voice: Voice,
    private readonly document: vscode.TextDocument,
    private readonly recorderSpec: Recorder,
    private readonly history: VoiceHistory,
  ) {}

  private get uri(): string {
    return this.document.uri.toString();
  }

  async open(url: URL, token: string): Promise<void> {
    this.socket = await connectVoice(url, token, {
      onMessage: (m) => {
        this.queue = this.queue.then(() => this.onMessage(m)).catch((err) => this.info(String(err)));
      },
      onClose: (reason) => this.end(this.closing ? undefined : VOICE_TEXT.stopped(reason)),
    });
    this.lastSent = this.document.getText();
    this.socket.sendJson(startMessage(this.uri, this.lastSent, this.cursor()));
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.document) this.scheduleDocument();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document === this.document) this.socket?.sendJson({ type: "cursor", cursor: this.cursor() });
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d === this.document) this.close();
      }),
    );
    this.startRecorder();
  }

  private startRecorder(): void {
    const child = startRecorder(this.recorderSpec);
    this.recorder = child;
    const framer = new Framer();
    child.stdout?.on("data", (chunk: Buffer) => {
      for (const frame of framer.push(chunk)) this.socket?.sendAudio(frame);
    });
    child.stderr?.on("data", (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    child.on("error", (err) => this.end(recorderFailedMessage(this.recorderSpec.name, err.message)));
    child.on("exit", (code) => {
      if (!this.closing) this.end(recorderFailedMessage(this.recorderSpec.name, this.stderr || `it stopped (exit code ${code})`));
    });
  }

  private editor(): vscode.TextEditor | undefined {
    return vscode.window.visibleTextEditors.find((e) => e.document === this.document);
  }

  private cursor() {
    const active = this.editor()?.selection.active;
    return { line: active?.line ?? 0, character: active?.character ?? 0 };
  }

  private scheduleDocument(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.sendDocument(), DOCUMENT_DEBOUNCE_MS);
  }

  private sendDocument(): void {
    clearTimeout(this.debounce);
    const text = this.document.getText();
    if (text !== this.lastSent) {
      this.lastSent = text;
      this.socket?.sendJson({ type: "document", text, cursor: this.cursor() });
    }
  }

  private async onMessage(message: ServerMessage): Promise<void> {
    if (message.type === "stopped") {
      this.end();
      return;
    }
    for (const effect of this.controller.handle(message)) await this.run(effect, message);
  }

  private async run(effect: Effect, message?: ServerMessage): Promise<void> {
    switch (effect.kind) {
      case "status":
        this.voice.showStatus(effect.mode, effect.heard, effect.hearing);
        return;
      case "info":
        this.info(effect.message, message?.type === "error");
        return;
      case "say":
        this.socket?.sendJson({ type: "say", text: effect.text });
        return;
      case "ask":
        void this.ask(effect.heard, effect.alternatives);
        return;
      case "apply":
        await this.apply(effect.command, effect.heard);
        return;
    }
  }

  private async ask(heard: string, alternatives: string[]): Promise<void> {
    type Item = vscode.QuickPickItem & { choice: Parameters<VoiceController["answer"]>[0] };
    const items: Item[] = [
      { label: heard, description: "go ahead", choice: { kind: "yes" } },
      ...alternatives.map((text): Item => ({ label: text, description: "I said this", choice: { kind: "other", text } })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: askTitle(heard), placeHolder: "Enter goes ahead · Esc drops it" });
    // A spoken "yes"/"no" may have answered already; then the pick is stale.
    if (!this.controller.isAsking) return;
    for (const effect of this.controller.answer(picked ? picked.choice : { kind: "drop" })) await this.run(effect);
  }

  private info(message: string, calmWarning = false): void {
    vscode.window.setStatusBarMessage(message, 8000);
    if (calmWarning) void vscode.window.showInformationMessage(message);
  }

  private async apply(command: CommandMessage, heard: string | undefined): Promise<void> {
    const current = this.document.getText();
    const fits = staleEdit(command.edit !== null, current, this.lastSent, heard);
    if (fits !== "apply") {
      this.sendDocument();
      if (fits === "ask-again") this.socket?.sendJson({ type: "say", text: heard });
      else this.info(VOICE_TEXT.changedMeanwhile(command.description));
      return;
    }
    const edits = command.edit?.changes?.[this.uri] ?? [];
    if (edits.length > 0) {
      const edit = new vscode.WorkspaceEdit();
      for (const e of edits) {
        edit.replace(this.document.uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
      }
      const expected = applyTextEdits(current, edits);
      const ok = await vscode.workspace.applyEdit(edit);   // one WorkspaceEdit is one undo step
      if (!ok) {
        this.info(VOICE_TEXT.editFailed(command.description), true);
        return;
      }
      const after = this.document.getText();
      this.history.record({ uri: this.uri, description: command.description, before: current, after: after === expected ? expected : after });
      this.sendDocument();
    }
    await this.action(command);
    vscode.window.setStatusBarMessage(VOICE_TEXT.done(command.description, edits.length > 0), 6000);
  }

  private async action(command: CommandMessage): Promise<void> {
    const action = command.action;
    if (!action) return;
    const editor = this.editor();
    const at = (p: unknown) => {
      const q = p as { line?: number; character?: number } | undefined;
      return new vscode.Position(q?.line ?? 0, q?.character ?? 0);
    };
    switch (action.kind) {
      case "move":
        if (editor) {
          const p = at(action.position);
          editor.selection = new vscode.Selection(p, p);
          editor.revealRange(new vscode.Range(p, p));
        }
        return;
      case "select":
        if (editor) {
          editor.selection = new vscode.Selection(at(action.position), at((action as { end?: unknown }).end));
          editor.revealRange(editor.selection);
        }
        return;
      case "undo":
      case "redo":
        await this.undoRedo(action.kind);
        return;
      case "run":
        await vscode.commands.executeCommand("hypercode.runFile");
        return;
      case "check":
        await vscode.commands.executeCommand("workbench.actions.view.problems");
        return;
      case "explain":
        await vscode.commands.executeCommand("hypercode.explain", (action as { code?: string }).code);
        return;
      case "speak":
        // VS Code has no speech synthesis of its own; the line is shown where a screen reader reads it.
        void vscode.window.showInformationMessage(String((action as { text?: unknown }).text ?? ""));
        return;
      case "stop":
        this.close();
        return;
      default:
        return;   // "mode" is followed by a listening message; confirm/dismiss were handled already
    }
  }

  private async undoRedo(kind: "undo" | "redo"): Promise<void> {
    const textOf = (uri: string) => (uri === this.uri ? this.document.getText() : vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)?.getText());
    const plan = kind === "undo" ? this.history.undo(textOf) : this.history.redo(textOf);
    if (plan.kind === "refuse") {
      this.info(plan.message, true);
      return;
    }
    const doc = plan.uri === this.uri ? this.document : await vscode.workspace.openTextDocument(vscode.Uri.parse(plan.uri));
    const uri = doc.uri;
    const text = doc.getText();
    const edit = new vscode.WorkspaceEdit();
    const start = positionAt(text, plan.splice.start);
    const end = positionAt(text, plan.splice.end);
    edit.replace(uri, new vscode.Range(start.line, start.character, end.line, end.character), plan.splice.text);
    if (await vscode.workspace.applyEdit(edit)) {
      const cursor = positionAt(applySplice(text, plan.splice), plan.splice.start + plan.splice.text.length);
      const editor = this.editor();
      if (editor && doc === this.document) editor.selection = new vscode.Selection(cursor.line, cursor.character, cursor.line, cursor.character);
      this.sendDocument();
      vscode.window.setStatusBarMessage(`${kind === "undo" ? "Undid" : "Redid"}: ${plan.description}.`, 6000);
    }
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.recorder?.kill();
    // Finish the utterance in progress, then the server says "stopped"; give it a moment.
    this.socket?.sendJson({ type: "stop" });
    setTimeout(() => this.end(), 1500);
  }

  private end(why?: string): void {
    // Closing the socket calls back into end(); the first call's reason is the one shown.
    if (this.finished) return;
    this.finished = true;
    this.closing = true;
    this.voice.ended(this, why);
    clearTimeout(this.debounce);
    this.recorder?.kill();
    this.recorder = undefined;
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
