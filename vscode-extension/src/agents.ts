// VS Code glue for the agent commands: hypercode.agent.explain|fix|test|review|ask.
// A request goes to the language server as `hypercode/agent`; progress shows in a cancellable
// notification; the answer opens as markdown beside the code; an edit is previewed with
// `vscode.diff` and, once accepted, applied by the server with one workspace/applyEdit (one
// undo step); tests arrive as a new file beside the program. Decisions live in ./core/agents.

import * as path from "node:path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";

import {
  ACCEPT_COMMAND,
  acceptEditPrompt,
  acceptFilePrompt,
  AGENT_KINDS,
  AGENT_PROGRESS,
  AGENT_RESULT,
  type AgentKind,
  type AgentProgress,
  type AgentResult,
  AgentTasks,
  agentDidNotFinish,
  BUTTON_ACCEPT,
  BUTTON_DISCARD,
  commandFor,
  editNotApplied,
  noServerForAgents,
  offerFor,
  progressMessage,
  progressTitle,
  PROPOSAL_SCHEME,
  proposedText,
  renderAnswer,
  requestFor,
} from "./core/agents";

/** Serves `hypercode-proposal:` documents: the file as it would be after the proposed edit. */
class ProposalProvider implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? "";
  }
}

export class Agents implements vscode.Disposable {
  private tasks: AgentTasks | undefined;
  private taskClient: LanguageClient | undefined;
  private readonly proposals = new ProposalProvider();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly client: () => LanguageClient | undefined) {
    for (const kind of AGENT_KINDS) {
      this.disposables.push(
        vscode.commands.registerCommand(commandFor(kind), (...args: unknown[]) => this.run(kind, args)),
      );
    }
    this.disposables.push(vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this.proposals));
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }

  /** The request tracker for the current client (the client is new after a restart). */
  private tracker(client: LanguageClient): AgentTasks {
    if (this.tasks === undefined || this.taskClient !== client) {
      const tasks = new AgentTasks((method, params) => client.sendRequest(method, params));
      this.disposables.push(
        client.onNotification(AGENT_PROGRESS, (p: AgentProgress) => tasks.progress(p)),
        client.onNotification(AGENT_RESULT, (m: { taskId: string; result: unknown }) => tasks.result(m)),
      );
      this.tasks = tasks;
      this.taskClient = client;
    }
    return this.tasks;
  }

  async run(kind: AgentKind, args: unknown[]): Promise<AgentResult | undefined> {
    const client = this.client();
    if (!client || !client.isRunning()) {
      void vscode.window.showWarningMessage(noServerForAgents);
      return undefined;
    }
    const editor = vscode.window.activeTextEditor;
    const fallback = editor
      ? {
          uri: editor.document.uri.toString(),
          range: editor.selection.isEmpty ? undefined : client.code2ProtocolConverter.asRange(editor.selection),
        }
      : undefined;
    const request = requestFor(kind, args, fallback);
    if (!request) {
      return undefined;
    }
    if (kind === "ask" && !request.question) {
      const question = await vscode.window.showInputBox({ prompt: "What would you like to ask about this code?" });
      if (!question) {
        return undefined;
      }
      request.question = question;
    }
    const tasks = this.tracker(client);
    let result: AgentResult | undefined;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: progressTitle(kind), cancellable: true },
        async (progress, token) => {
          const { taskId, done } = await tasks.start(request, (update) =>
            progress.report({ message: progressMessage(update) }),
          );
          token.onCancellationRequested(() => void tasks.cancel(taskId));
          return done;
        },
      );
    } catch (error) {
      void vscode.window.showWarningMessage(agentDidNotFinish(error instanceof Error ? error.message : String(error)));
      return undefined;
    }
    if (result) {
      await this.show(kind, request.uri, result);
    }
    return result;
  }

  private async show(kind: AgentKind, uri: string, result: AgentResult): Promise<void> {
    const answer = await vscode.workspace.openTextDocument({ language: "markdown", content: renderAnswer(kind, result) });
    await vscode.window.showTextDocument(answer, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
    const offer = offerFor(result);
    if (offer === "edit") {
      await this.offerEdit(uri, result);
    } else if (offer === "file") {
      await this.offerFile(result);
    }
  }

  private async offerEdit(uri: string, result: AgentResult): Promise<void> {
    const original = vscode.Uri.parse(uri);
    const document = await vscode.workspace.openTextDocument(original);
    const proposal = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: original.path, query: result.taskId });
    this.proposals.set(proposal, proposedText(document.getText(), result.edits, uri));
    await vscode.commands.executeCommand("vscode.diff", original, proposal, `${path.basename(original.path)} ↔ proposed fix`);
    const choice = await vscode.window.showInformationMessage(acceptEditPrompt, BUTTON_ACCEPT, BUTTON_DISCARD);
    if (choice === BUTTON_ACCEPT) {
      await this.accept(result);
    }
  }

  private async offerFile(result: AgentResult): Promise<void> {
    const file = result.files[0];
    const choice = await vscode.window.showInformationMessage(
      acceptFilePrompt(path.basename(file.path)),
      BUTTON_ACCEPT,
      BUTTON_DISCARD,
    );
    if (choice === BUTTON_ACCEPT && (await this.accept(result))) {
      await vscode.window.showTextDocument(vscode.Uri.file(file.path), { preview: false });
    }
  }

  /** The server applies the answer it checked (never text sent back from here): one undo step. */
  private async accept(result: AgentResult): Promise<boolean> {
    const client = this.client();
    if (!client) {
      return false;
    }
    try {
      const reply = (await client.sendRequest("workspace/executeCommand", {
        command: ACCEPT_COMMAND,
        arguments: [result.taskId],
      })) as { applied?: boolean } | undefined;
      return reply?.applied === true;
    } catch {
      void vscode.window.showWarningMessage(editNotApplied);
      return false;
    }
  }
}
