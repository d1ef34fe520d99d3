// hyperflow's agent panel: Explain, Fix, Write tests and Review on a problem, a selection or the
// function at the cursor (AGENTS.md §1), through the language server's `hypercode/agent` requests.
//
//   hypercode/agent {kind, uri, range?, diagnostic?} → {taskId}
//   hypercode/agentProgress {taskId, state, agent?, message?}   (may arrive before the reply)
//   hypercode/agentResult {taskId, result | null, state?, message?}
//   hypercode/agentCancel {taskId}
//
// An answer's edit is previewed as a line diff and applied, once accepted, as ONE CodeMirror
// transaction in its own history event, so a single Ctrl+Z undoes all of it. (hyperflow's LSP
// client does not answer the server's workspace/applyEdit, so the server's accept command can't
// be used here; the edits applied are exactly the checked ones the server sent.)

import { keymap } from "@codemirror/view";
import { StateEffect, Prec, ChangeSet } from "@codemirror/state";
import { isolateHistory } from "@codemirror/commands";
import { LSPPlugin } from "@codemirror/lsp-client";
import { renderMarkdown } from "./markdown.js";

export const KINDS = {
  explain: { label: "Explain", key: "Ctrl-Alt-e", keyWords: "Ctrl+Alt+E",
    help: "Ask HyperCode to explain the problem, the selection or the function at the cursor" },
  fix: { label: "Fix", key: "Ctrl-Alt-f", keyWords: "Ctrl+Alt+F", help: "Ask HyperCode for a checked fix for the problem at the cursor" },
  test: { label: "Write tests", key: "Ctrl-Alt-w", keyWords: "Ctrl+Alt+W", help: "Ask HyperCode to write tests for the function at the cursor" },
  review: { label: "Review", key: "Ctrl-Alt-r", keyWords: "Ctrl+Alt+R", help: "Ask HyperCode to review the file (or the selection)" },
};
const AGENT_COMMAND = /^hypercode\.agent\.(explain|fix|test|review)$/;
const FINAL = new Set(["done", "failed", "cancelled"]);
const CONTEXT_LINES = 2; // unchanged lines shown around each change in the diff

const WORDS = {
  idle: "Choose what to ask about the code at the cursor, a selection or a marked problem.",
  asking: "Sending the request…",
  queued: "Queued. A helper will pick it up in a moment.",
  working: (role) => `The ${role || "helper"} is working on it…`,
  done: "Done.",
  failed: "This didn't finish. You can try again.",
  cancelled: "Cancelled. Nothing was changed.",
  noFix: "There is no marked problem here to fix. Put the cursor on a problem (the wavy line) and try again.",
  noFunction: "Put the cursor inside a function to write tests for it.",
  stale: "The code changed after this answer was made, so it can't be applied safely. Ask again for a fresh one.",
  applied: "Applied. Ctrl+Z undoes the whole change in one step.",
  noEdit: "This answer has no edit to apply.",
  offline: "Not connected to the HyperCode helper yet. Try again in a moment.",
};

const STYLE = `
.hf-agents .hf-agent-actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 0 0 8px; }
.hf-agents .hf-agent-status { margin: 0 0 8px; }
.hf-agents .hf-agent-answer { overflow-wrap: anywhere; }
.hf-agents .hf-agent-diff { font-family: var(--mono-font, monospace); background: var(--code-bg); color: var(--code-fg);
  border: 1px solid var(--line-strong); padding: 6px 8px; margin: 8px 0; overflow-x: auto; white-space: pre; }
.hf-agents .hf-agent-diff .add { background: var(--accent-soft); }
.hf-agents .hf-agent-diff .del { background: var(--error-soft); text-decoration: line-through; text-decoration-thickness: 1px; }
.hf-agents .hf-agent-diff .gap { color: var(--muted); }
.hf-agents .hf-agent-file { margin: 8px 0; }
.hf-agents .hf-agent-findings { padding-left: 1.2em; }
.hf-agents button:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
`;

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

/** Lines of `before` and `after` as a list of {type: "same"|"del"|"add", text}, shortest edit by LCS. */
export function lineDiff(before, after) {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  // LCS table over the changed middle only (an agent's edit is small; the file may not be).
  const table = Array.from({ length: midA.length + 1 }, () => new Uint32Array(midB.length + 1));
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      table[i][j] = midA[i] === midB[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const rows = a.slice(0, start).map((text, i) => ({ type: "same", text, line: i + 1 }));
  let i = 0;
  let j = 0;
  while (i < midA.length || j < midB.length) {
    if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
      rows.push({ type: "same", text: midA[i], line: start + i + 1 });
      i++;
      j++;
    } else if (i < midA.length && (j === midB.length || table[i + 1][j] >= table[i][j + 1])) {
      rows.push({ type: "del", text: midA[i], line: start + i + 1 }); // removed lines before added ones
      i++;
    } else {
      rows.push({ type: "add", text: midB[j++] });
    }
  }
  return rows.concat(a.slice(endA).map((text, k) => ({ type: "same", text, line: endA + k + 1 })));
}

/** The diff as a <pre>: changed lines with a little context, long unchanged runs folded. */
function renderDiff(rows) {
  const pre = el("pre", { class: "hf-agent-diff", "aria-label": "Proposed change, line by line", tabindex: "0" });
  const near = rows.map(() => false);
  rows.forEach((row, index) => {
    if (row.type === "same") return;
    for (let k = Math.max(0, index - CONTEXT_LINES); k <= Math.min(rows.length - 1, index + CONTEXT_LINES); k++) near[k] = true;
  });
  let folded = false;
  rows.forEach((row, index) => {
    if (!near[index]) {
      if (!folded) pre.append(el("span", { class: "gap" }, "  …\n"));
      folded = true;
      return;
    }
    folded = false;
    const mark = { same: "  ", add: "+ ", del: "- " }[row.type];
    const words = { same: "", add: "added: ", del: "removed: " }[row.type];
    const line = el("span", { class: row.type });
    if (words) line.append(el("span", { class: "visually-hidden" }, words));
    line.append(document.createTextNode(`${mark}${row.text}\n`));
    pre.append(line);
  });
  return pre;
}

export function attach(context) {
  const panel = new AgentPanel(context);
  panel.mount();
  if (window.hyperflow) window.hyperflow.agents = panel;
  return panel;
}

class AgentPanel {
  constructor(context) {
    this.context = context;
    this.client = context.client;
    this.current = null; // {taskId?, kind, text, state, agent, result}
    this.early = new Map(); // taskId -> events that arrived before the {taskId} reply
    this.log = []; // every progress state seen, for the tests
  }

  get view() {
    return this.context.view;
  }

  // ------------------------------------------------------------------ the page
  mount() {
    document.head.appendChild(el("style", {}, STYLE));
    const section = el("section", { id: "agent-panel", class: "panel hf-agents", "aria-labelledby": "agent-heading" });
    const head = el("div", { class: "panel-head" });
    head.append(el("h2", { id: "agent-heading", tabindex: "-1" }, "Ask HyperCode"));
    const actions = el("div", { class: "hf-agent-actions", role: "group", "aria-label": "Ask about the code" });
    this.buttons = {};
    for (const [kind, { label, keyWords }] of Object.entries(KINDS)) {
      const button = el("button", { type: "button", id: `agent-${kind}`, "aria-keyshortcuts": keyWords.replace(/Ctrl/, "Control"),
        title: `${label} (${keyWords})` }, label);
      button.addEventListener("click", () => this.ask(kind));
      actions.append(button);
      this.buttons[kind] = button;
    }
    this.status = el("p", { id: "agent-status", class: "hf-agent-status", role: "status", "aria-live": "polite" }, WORDS.idle);
    const controls = el("div", { class: "hf-agent-actions" });
    this.cancelButton = el("button", { type: "button", id: "agent-cancel", hidden: "" }, "Cancel");
    this.cancelButton.addEventListener("click", () => this.cancel());
    this.acceptButton = el("button", { type: "button", id: "agent-accept", hidden: "" }, "Accept change");
    this.acceptButton.addEventListener("click", () => this.accept());
    this.dismissButton = el("button", { type: "button", id: "agent-dismiss", hidden: "" }, "Dismiss");
    this.dismissButton.addEventListener("click", () => this.dismiss());
    controls.append(this.cancelButton, this.acceptButton, this.dismissButton);
    this.answer = el("div", { id: "agent-answer", class: "hf-agent-answer" });
    section.append(head, actions, this.status, controls, this.answer);
    section.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.running) {
        event.preventDefault();
        this.cancel();
      }
    });
    const parent = this.context.panels || document.querySelector("aside") || document.body;
    parent.append(section);
    this.section = section;

    // The server's own notifications: the LSP client keeps its handler table in its config.
    const handlers = this.client.config.notificationHandlers || (this.client.config.notificationHandlers = {});
    handlers["hypercode/agentProgress"] = (_client, params) => (this.onEvent(params, "progress"), true);
    handlers["hypercode/agentResult"] = (_client, params) => (this.onEvent(params, "result"), true);

    this.listShortcuts();
    this.routeCodeActionCommands();
    const keys = Object.entries(KINDS).map(([kind, { key }]) => ({ key, run: () => (this.ask(kind), true), preventDefault: true }));
    this.view.dispatch({ effects: StateEffect.appendConfig.of(Prec.high(keymap.of(keys))) });
    document.addEventListener("keydown", (event) => {
      // The same shortcuts from outside the editor (the panel, the toolbar).
      if (this.view.hasFocus || !event.ctrlKey || !event.altKey) return;
      const kind = Object.keys(KINDS).find((k) => KINDS[k].key.endsWith(`-${event.key.toLowerCase()}`));
      if (kind) {
        event.preventDefault();
        this.ask(kind);
      }
    });
  }

  /** The shortcuts in the Keys dialog, beside the editor's own. */
  listShortcuts() {
    const table = document.querySelector("#help-dialog table.keys tbody") || document.querySelector("#help-dialog table.keys");
    if (!table) return;
    for (const { keyWords, help } of Object.values(KINDS)) {
      const row = el("tr");
      const keys = el("th", { scope: "row" });
      keyWords.split("+").forEach((part, index) => {
        if (index) keys.append("+");
        keys.append(el("kbd", {}, part));
      });
      row.append(keys, el("td", {}, help));
      table.append(row);
    }
  }

  /**
   * The Problems panel runs a code action's command with workspace/executeCommand. For the agent
   * commands the answer belongs in this panel (with progress, Cancel and Accept), so those are sent
   * here instead of being run and their answer dropped.
   */
  routeCodeActionCommands() {
    const request = this.client.request.bind(this.client);
    this.client.request = (method, params) => {
      const found = method === "workspace/executeCommand" && AGENT_COMMAND.exec(params?.command || "");
      if (!found) return request(method, params);
      this.start(found[1], params.arguments?.[0] || { uri: this.context.uri });
      return Promise.resolve(null);
    };
    this.rawRequest = request;
  }

  get running() {
    return Boolean(this.current && !FINAL.has(this.current.state));
  }

  say(text, { announce = true } = {}) {
    this.status.textContent = text;
    if (announce) this.context.setStatus(text);
  }

  showButtons({ cancel = false, accept = false, dismiss = false }) {
    this.cancelButton.hidden = !cancel;
    this.acceptButton.hidden = !accept;
    this.dismissButton.hidden = !dismiss;
  }

  // ------------------------------------------------------------------ asking
  /** What the request is about: the server's own code actions at the selection say it best. */
  async target(kind) {
    const state = this.view.state;
    const plugin = LSPPlugin.get(this.view);
    const { from, to } = state.selection.main;
    const range = { start: plugin.toPosition(from), end: plugin.toPosition(to) };
    const actions = await this.rawRequest("textDocument/codeAction", {
      textDocument: { uri: this.context.uri }, range, context: { diagnostics: [], triggerKind: 1 },
    }).catch(() => []);
    const found = (actions || []).find((item) => (item.command?.command || item.command) === `hypercode.agent.${kind}`);
    if (found) return found.command.arguments?.[0] || { uri: this.context.uri };
    if (kind === "fix") return { missing: WORDS.noFix };
    if (kind === "test") return { missing: WORDS.noFunction };
    return from === to ? { uri: this.context.uri } : { uri: this.context.uri, range };
  }

  async ask(kind) {
    if (!this.context.connected) {
      this.say(WORDS.offline);
      return;
    }
    if (this.running) await this.cancel();
    this.client.sync();
    const args = await this.target(kind);
    if (args.missing) {
      this.say(args.missing);
      return;
    }
    await this.start(kind, args);
  }

  async start(kind, args) {
    if (this.running) await this.cancel();
    this.client.sync();
    const plugin = LSPPlugin.get(this.view);
    const asked = { kind, doc: plugin ? plugin.syncedDoc : this.view.state.doc, state: "asking", taskId: null, agent: null };
    this.current = asked;
    this.answer.replaceChildren();
    this.showButtons({ cancel: true });
    this.say(WORDS.asking, { announce: false });
    let reply;
    try {
      reply = await this.rawRequest("hypercode/agent", { ...args, kind });
    } catch (error) {
      if (this.current !== asked) return;
      asked.state = "failed";
      this.showButtons({ dismiss: true });
      this.say(`${WORDS.failed} ${error?.message || ""}`.trim());
      return;
    }
    if (this.current !== asked) return;
    asked.taskId = reply.taskId;
    if (asked.state === "cancelled") {
      // Cancelled while the request was on its way: stop it now that it has a name.
      this.rawRequest("hypercode/agentCancel", { taskId: asked.taskId }).catch(() => null);
      return;
    }
    for (const [event, type] of this.early.get(reply.taskId) || []) this.apply(asked, event, type);
    this.early.delete(reply.taskId);
  }

  onEvent(params, type) {
    const current = this.current;
    if (current && current.taskId === params.taskId) {
      this.apply(current, params, type);
    } else if (current && current.taskId === null) {
      // The reply with the task id has not arrived yet: keep the event until it does.
      if (!this.early.has(params.taskId)) this.early.set(params.taskId, []);
      this.early.get(params.taskId).push([params, type]);
      if (this.early.size > 20) this.early.delete(this.early.keys().next().value);
    }
  }

  apply(current, params, type) {
    if (FINAL.has(current.state)) return;
    if (params.agent) current.agent = params.agent;
    if (type === "progress") {
      this.log.push(params.state);
      if (params.state === "queued") this.say(WORDS.queued);
      else if (params.state === "working") this.say(WORDS.working(current.agent?.role), { announce: this.log.at(-2) !== "working" });
      if (params.state !== "done") current.state = params.state;
      return;
    }
    current.state = params.result ? "done" : params.state || "failed";
    if (!params.result) {
      this.showButtons({ dismiss: true });
      this.say(current.state === "cancelled" ? WORDS.cancelled : `${WORDS.failed} ${params.message || ""}`.trim());
      return;
    }
    current.result = params.result;
    this.render(current);
  }

  // ------------------------------------------------------------------ the answer
  render(current) {
    const { result } = current;
    const who = result.agent?.role ? ` Answered by the ${result.agent.role}${result.agent.engine ? ` (${result.agent.engine})` : ""}.` : "";
    const parts = [renderMarkdown(result.markdown || "")];
    const edits = (result.edits || []).filter((edit) => !edit.uri || edit.uri === this.context.uri);
    current.edits = edits;
    if (edits.length) {
      const after = this.afterEdits(current.doc, edits);
      parts.push(el("h3", {}, "Proposed change"), renderDiff(lineDiff(current.doc.toString(), after)));
    }
    for (const file of result.files || []) {
      const box = el("div", { class: "hf-agent-file" });
      const name = String(file.path || "").split(/[\\/]/).pop();
      const copy = el("button", { type: "button", class: "hf-agent-copy" }, `Copy ${name}`);
      copy.addEventListener("click", () => this.copy(file.text, name));
      box.append(el("h3", {}, `New file: ${name}`), el("pre", { class: "hf-agent-diff", tabindex: "0" }, file.text), copy);
      parts.push(box);
    }
    const findings = (result.findings || []).filter((f) => f.range?.start);
    if (findings.length && !(result.markdown || "").includes(findings[0].message)) {
      const list = el("ul", { class: "hf-agent-findings" });
      for (const finding of findings) {
        const go = el("button", { type: "button", class: "hf-agent-goto" },
          `Line ${finding.range.start.line + 1}: ${finding.message}`);
        go.addEventListener("click", () => this.goTo(finding.range.start));
        const item = el("li");
        item.append(go);
        list.append(item);
      }
      parts.push(list);
    }
    this.answer.replaceChildren(...parts);
    this.showButtons({ accept: edits.length > 0, dismiss: true });
    this.say(`${WORDS.done}${who}${edits.length ? " Review the change, then choose Accept change." : ""}`);
    if (edits.length) this.acceptButton.focus();
  }

  /** The text after `edits` (LSP ranges in the client's units, about `doc`). */
  afterEdits(doc, edits) {
    const plugin = LSPPlugin.get(this.view);
    const changes = edits.map((edit) => ({
      from: plugin.fromPosition(edit.range.start, doc),
      to: plugin.fromPosition(edit.range.end, doc),
      insert: edit.new_text ?? edit.newText ?? "",
    }));
    return ChangeSet.of(changes, doc.length).apply(doc).toString();
  }

  accept() {
    const current = this.current;
    if (!current?.edits?.length) {
      this.say(WORDS.noEdit);
      return false;
    }
    if (this.view.state.doc.toString() !== current.doc.toString()) {
      this.say(WORDS.stale);
      return false;
    }
    const plugin = LSPPlugin.get(this.view);
    const doc = this.view.state.doc;
    const changes = current.edits.map((edit) => ({
      from: plugin.fromPosition(edit.range.start, doc),
      to: plugin.fromPosition(edit.range.end, doc),
      insert: edit.new_text ?? edit.newText ?? "",
    }));
    // One transaction in its own history event: one Ctrl+Z undoes the whole answer.
    this.view.dispatch({ changes, userEvent: "input.agent", scrollIntoView: true,
      annotations: isolateHistory.of("full") });
    current.edits = [];
    this.showButtons({ dismiss: true });
    this.say(WORDS.applied);
    this.view.focus();
    return true;
  }

  async cancel() {
    const current = this.current;
    if (!current || FINAL.has(current.state)) return;
    current.state = "cancelled";
    this.showButtons({ dismiss: true });
    this.say(WORDS.cancelled);
    if (current.taskId) await this.rawRequest("hypercode/agentCancel", { taskId: current.taskId }).catch(() => null);
  }

  dismiss() {
    this.current = null;
    this.answer.replaceChildren();
    this.showButtons({});
    this.say(WORDS.idle, { announce: false });
    this.view.focus();
  }

  goTo(position) {
    const plugin = LSPPlugin.get(this.view);
    const pos = Math.min(plugin.fromPosition(position, this.view.state.doc), this.view.state.doc.length);
    this.view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    this.view.focus();
  }

  async copy(text, name) {
    try {
      await navigator.clipboard.writeText(text);
      this.say(`Copied ${name}. Save it beside your program to run the tests.`);
    } catch {
      this.say(`Copying isn't allowed here. Select the text of ${name} above and copy it by hand.`);
    }
  }
}
