// hyperflow: the HyperCode web editor.
// CodeMirror 6 + @codemirror/lsp-client, talking to the HyperCode language
// server over a WebSocket on the same origin (/lsp), one session per tab.

import { EditorState, Compartment } from "@codemirror/state";
import {
  EditorView, keymap, hoverTooltip, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars, drawSelection, dropCursor, rectangularSelection,
} from "@codemirror/view";
import {
  defaultKeymap, history, historyKeymap, indentWithTab, undo,
} from "@codemirror/commands";
import { indentOnInput, bracketMatching, foldGutter, foldKeymap } from "@codemirror/language";
import {
  autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap, acceptCompletion, completionStatus,
} from "@codemirror/autocomplete";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { setDiagnostics, lintGutter, lintKeymap } from "@codemirror/lint";
import {
  LSPClient, LSPPlugin, serverCompletionSource, signatureHelp, serverDiagnostics,
  renameKeymap, findReferencesKeymap,
} from "@codemirror/lsp-client";

import { hypercode, BUILTINS } from "./hypercode-lang.js";
import { renderMarkdown, sanitizeHTML } from "./markdown.js";
import { EXAMPLES } from "./examples.js";
import { Drafts } from "./drafts.js";
import { attach as attachVoice } from "./voice.js";
import { attach as attachAgents } from "./agents.js";

const DOC_URI = "file:///hyperflow/program.hc";
const STORE = {
  settings: "hyperflow:settings",
  files: "hyperflow:files",
};
const NOT_CONNECTED = "Not connected to the HyperCode helper — retrying.";
const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- storage

function readJSON(key, fallback) {
  try {
    const value = JSON.parse(localStorage.getItem(key));
    return value ?? fallback;
  } catch {
    return fallback;
  }
}

function writeJSON(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- announcements

let announceTimer = null;
/** Say something to screen readers (polite) and show it in the status bar. */
function announce(text, { visible = true } = {}) {
  const region = $("announcer");
  clearTimeout(announceTimer);
  // Clearing first makes repeated identical messages be read again.
  region.textContent = "";
  announceTimer = setTimeout(() => {
    region.textContent = text;
  }, 50);
  if (visible) $("status-message").textContent = text;
}

// ---------------------------------------------------------------- settings

const DEFAULT_SETTINGS = {
  theme: window.matchMedia?.("(prefers-contrast: more)").matches ? "contrast" : "calm",
  fontSize: 17,
  lineHeight: 1.7,
  font: "atkinson-mono",
  wrap: true,
};
const FONTS = {
  // Monospace, with letters made to be told apart (b/d, I/l/1, O/0): the dyslexia-friendly default.
  "atkinson-mono": '"Atkinson Hyperlegible Mono", ui-monospace, monospace',
  // Not monospace: code columns don't line up and some pairs of signs crowd (`!"`).
  opendyslexic: '"OpenDyslexic", "Atkinson Hyperlegible Mono", monospace',
  system: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
};
let settings = { ...DEFAULT_SETTINGS, ...readJSON(STORE.settings, {}) };

function applySettings() {
  const root = document.documentElement;
  root.dataset.theme = settings.theme;
  // In rem, so the browser's own text size setting scales the code too (17 = 17 px at 16 px).
  root.style.setProperty("--code-size", `${settings.fontSize / 16}rem`);
  root.style.setProperty("--code-line-height", String(settings.lineHeight));
  root.style.setProperty("--code-font", FONTS[settings.font] || FONTS["atkinson-mono"]);
  root.dataset.font = settings.font;
  $("font-size-value").textContent = `${Math.round((settings.fontSize / 16) * 100)} %`;
  $("line-height-value").textContent = settings.lineHeight.toFixed(1);
  writeJSON(STORE.settings, settings);
  if (view) view.dispatch({ effects: wrapCompartment.reconfigure(settings.wrap ? EditorView.lineWrapping : []) });
}

function initSettings() {
  for (const radio of document.querySelectorAll('input[name="theme"]')) {
    radio.checked = radio.value === settings.theme;
    radio.addEventListener("change", () => {
      settings.theme = radio.value;
      applySettings();
      announce(`Theme: ${radio.labels[0].textContent.trim()}.`);
    });
  }
  const size = $("font-size");
  size.value = settings.fontSize;
  size.addEventListener("input", () => {
    settings.fontSize = Number(size.value);
    applySettings();
  });
  const spacing = $("line-height");
  spacing.value = settings.lineHeight;
  spacing.addEventListener("input", () => {
    settings.lineHeight = Number(spacing.value);
    applySettings();
  });
  const font = $("code-font");
  font.value = settings.font;
  font.addEventListener("change", () => {
    settings.font = font.value;
    applySettings();
  });
  const wrap = $("wrap-lines");
  wrap.checked = settings.wrap;
  wrap.addEventListener("change", () => {
    settings.wrap = wrap.checked;
    applySettings();
  });
  $("reset-settings").addEventListener("click", () => {
    settings = { ...DEFAULT_SETTINGS };
    wrap.checked = settings.wrap;
    size.value = settings.fontSize;
    spacing.value = settings.lineHeight;
    font.value = settings.font;
    for (const radio of document.querySelectorAll('input[name="theme"]')) radio.checked = radio.value === settings.theme;
    applySettings();
    announce("Settings are back to their defaults.");
  });
  applySettings();
}

// ---------------------------------------------------------------- connection

/** The language server's WebSocket, on this page's origin; the page's ?token= goes along. */
function lspURL() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const token = new URLSearchParams(location.search).get("token");
  return `${scheme}//${location.host}/lsp${token ? `?token=${encodeURIComponent(token)}` : ""}`;
}

/**
 * The open WebSocket, or null. Requests of our own (Run, Stop) go straight over it, with their
 * own ids and no client-side time limit: a program waiting for input may wait for minutes.
 */
let link = null;
let connected = false;
let rawRequestId = 0;

class Link {
  constructor(socket) {
    this.socket = socket;
    this.handlers = [];
    this.pending = new Map(); // id -> {resolve, reject}
    this.notifications = {}; // method -> handler, for notifications the LSP client does not know
    socket.onmessage = (event) => this.receive(String(event.data));
    this.closed = new Promise((resolve) => socket.addEventListener("close", resolve, { once: true }));
    this.closed.then(() => {
      for (const { reject } of this.pending.values()) reject(new Error(NOT_CONNECTED));
      this.pending.clear();
    });
    this.transport = {
      send: (message) => {
        if (socket.readyState !== WebSocket.OPEN) throw new Error(NOT_CONNECTED);
        socket.send(withoutPullDiagnostics(message));
      },
      subscribe: (handler) => this.handlers.push(handler),
      unsubscribe: (handler) => {
        this.handlers = this.handlers.filter((h) => h !== handler);
      },
    };
  }

  receive(text) {
    let message = null;
    try {
      message = JSON.parse(text);
    } catch {
      // not JSON: leave it to the LSP client, which reports it
    }
    if (message && typeof message.id === "string" && this.pending.has(message.id) && !("method" in message)) {
      const { resolve, reject } = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) reject(Object.assign(new Error(message.error.message || "The request failed."), { code: message.error.code }));
      else resolve(message.result);
      return;
    }
    if (message && !("id" in message) && runNotifications[message.method]) {
      runNotifications[message.method](message.params || {});
      return;
    }
    for (const handler of this.handlers) handler(text);
  }

  /** A JSON-RPC request outside the LSP client; rejects when the connection closes. */
  request(method, params, timeoutMs = 0) {
    const id = `hyperflow-${++rawRequestId}`;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (timeoutMs) {
        setTimeout(() => {
          if (!this.pending.delete(id)) return;
          reject(new Error("The HyperCode helper did not answer in time."));
        }, timeoutMs);
      }
      // After the LSP client's own queued messages (client.sync() sends the latest text that
      // way), so the server answers about the text as it is now.
      client.initializing.then(() => {
        if (!this.pending.has(id)) return;
        try {
          this.transport.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
        } catch (error) {
          this.pending.delete(id);
          reject(error);
        }
      }, () => {});
    });
  }

  notify(method, params) {
    this.transport.send(JSON.stringify({ jsonrpc: "2.0", method, params }));
  }
}

/**
 * @codemirror/lsp-client declares `textDocument.diagnostic` (pull diagnostics) but never pulls;
 * hyperflow shows the diagnostics the server pushes. A server that trusts the declaration would
 * stop pushing, so the initialize request says only what this client really does.
 */
function withoutPullDiagnostics(message) {
  if (!message.includes('"initialize"')) return message;
  const data = JSON.parse(message);
  if (data.method !== "initialize" || !data.params?.capabilities?.textDocument) return message;
  delete data.params.capabilities.textDocument.diagnostic;
  return JSON.stringify(data);
}

function openSocket(url) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.onopen = () => resolve(new Link(socket));
    socket.onerror = () => reject(new Error("Could not connect."));
  });
}

const CONNECTION_TEXT = {
  connecting: "Starting the HyperCode helper…",
  on: "Checking your code as you type",
  off: NOT_CONNECTED,
};

function setConnection(state) {
  const el = $("connection");
  el.dataset.state = state;
  el.textContent = CONNECTION_TEXT[state];
  const wasConnected = connected;
  connected = state === "on";
  if (view && wasConnected !== connected) {
    if (!connected) {
      // Problems from a server that is gone can't be trusted; the next connection re-checks.
      problems = [];
      problemsDoc = null;
      showProblems(view);
    } else {
      renderProblemsPanel(view);
    }
  }
}

/** The LSP client keeps waiting for answers a closed connection will never bring: end them now. */
function failPendingRequests() {
  const pending = Array.isArray(client.requests) ? client.requests.splice(0) : [];
  for (const request of pending) {
    clearTimeout(request.timeout);
    request.reject(new Error(NOT_CONNECTED));
  }
}

async function keepConnected() {
  let delay = 500;
  for (;;) {
    try {
      const opened = await openSocket(lspURL());
      link = opened;
      client.connect(opened.transport);
      await Promise.race([client.initializing, opened.closed.then(() => Promise.reject(new Error("closed")))]);
      setConnection("on");
      delay = 500;
      await opened.closed;
      failPendingRequests();
      client.disconnect();
      link = null;
      setConnection("off");
    } catch {
      if (link) client.disconnect();
      link = null;
      setConnection("off");
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 8000);
  }
}

// ---------------------------------------------------------------- diagnostics

const SEVERITY = { 1: "error", 2: "warning", 3: "info", 4: "hint" };
const SEVERITY_WORD = { error: "Problem", warning: "Note", info: "Info", hint: "Tip" };
/** Latest diagnostics: [{lsp, from, to, severity, actions}] in document order. */
let problems = [];
let problemsDoc = null;
let problemsCurrent = false;
let publishes = 0;
let lastSummary = "";

function codeOf(diag) {
  const code = diag.code;
  if (code && typeof code === "object") return String(code.value ?? "");
  return code == null ? "" : String(code);
}

/** The server may send a short "why it matters" sentence in the diagnostic's data. */
function whyOf(diag) {
  const data = diag.data;
  return data && typeof data === "object" && typeof data.why === "string" ? data.why : "";
}

/**
 * An LSP position as an offset in `doc`, clamped into it: a server may point one line past the
 * end (an unfinished block at the end of the file) or past a line's end.
 */
function offsetIn(doc, pos) {
  const lineNumber = Math.max(0, pos?.line ?? 0) + 1;
  if (lineNumber > doc.lines) return doc.length;
  const line = doc.line(lineNumber);
  return Math.min(line.from + Math.max(0, pos?.character ?? 0), line.to);
}

/** An LSP range (about the text last sent to the server) as offsets in the current text. */
function lspToOffsets(plugin, range) {
  const map = (pos) => plugin.unsyncedChanges.mapPos(offsetIn(plugin.syncedDoc, pos));
  const from = map(range.start);
  return { from, to: Math.max(from, map(range.end)) };
}

/**
 * While the completion list is open the word at the cursor is still being typed: a problem
 * inside it (`pri` before `print`) is noise, so it is held back until the list closes.
 */
function typingRange(state) {
  if (completionStatus(state) === null) return null;
  const head = state.selection.main.head;
  const line = state.doc.lineAt(head);
  const before = line.text.slice(0, head - line.from);
  const word = /[\p{L}\p{N}_]*$/u.exec(before)[0];
  return word ? { from: head - word.length, to: head } : null;
}

function visibleProblems(state) {
  const typing = typingRange(state);
  if (!typing) return problems;
  return problems.filter((p) => !(p.from <= typing.to && p.to >= typing.from));
}

function renderDiagMessage(problem) {
  return () => {
    const box = document.createElement("div");
    box.className = "hf-diag";
    const code = codeOf(problem.lsp);
    if (code) {
      // The code links to its page in the error reference, which hypercode-web serves itself.
      const badge = document.createElement("a");
      badge.className = "hf-diag-code";
      badge.textContent = code;
      badge.href = `/docs/errors/${encodeURIComponent(code)}`;
      badge.target = "_blank";
      badge.rel = "noopener";
      badge.title = `Read about ${code}`;
      box.append(badge, " ");
    }
    const text = document.createElement("span");
    text.className = "hf-diag-text";
    text.textContent = problem.lsp.message;
    box.append(text);
    // The "why" is not repeated here: the server's hover, shown in the same tooltip, says it,
    // and the Problems panel shows it too. One idea, said once.
    return box;
  };
}

function toLint(problem) {
  return {
    from: problem.from,
    to: problem.to,
    severity: problem.severity,
    message: problem.lsp.message,
    markClass: `hf-mark-${problem.severity}`,
    renderMessage: renderDiagMessage(problem),
    actions: problem.actions.map((action) => ({
      name: action.title,
      markClass: action.explain ? "hf-action-explain" : "hf-action-fix",
      apply: (view) => runAction(view, problem, action),
    })),
  };
}

/** Errors from the last run, underlined until the text changes. */
let runProblems = [];

function showProblems(view) {
  view.dispatch(setDiagnostics(view.state, [...visibleProblems(view.state), ...runProblems].map(toLint)));
  renderProblemsPanel(view);
}

function handlePublish(client, params) {
  if (params.uri !== DOC_URI) return false;
  const file = client.workspace.getFile(params.uri);
  if (!file || (params.version != null && params.version !== file.version)) return true;
  publishes++;
  const view = file.getView();
  const plugin = view && LSPPlugin.get(view);
  if (!plugin) return true;
  problems = params.diagnostics.map((lsp) => ({
    lsp,
    ...lspToOffsets(plugin, lsp.range),
    severity: SEVERITY[lsp.severity ?? 1],
    actions: codeOf(lsp) ? [explainAction(codeOf(lsp))] : [],
    fetchedFor: plugin.syncedDoc,
  }));
  problems.sort((a, b) => a.from - b.from);
  problemsDoc = view.state.doc;
  // Diagnostics about older text (typing went on meanwhile) are shown, mapped, but not announced.
  problemsCurrent = plugin.unsyncedChanges.empty;
  showProblems(view);
  announceProblems();
  fetchActions(view, plugin, problems);
  return true;
}

function explainAction(code) {
  return { title: "Explain", explain: true, code };
}

async function fetchActions(view, plugin, batch) {
  const wanted = batch.slice(0, 50);
  const docAtRequest = plugin.syncedDoc; // the text the server answers about
  const results = await Promise.all(
    wanted.map((problem) =>
      client
        .request("textDocument/codeAction", {
          textDocument: { uri: DOC_URI },
          range: problem.lsp.range,
          context: { diagnostics: [problem.lsp], triggerKind: 1 },
        })
        .catch(() => null),
    ),
  );
  if (batch !== problems) return; // newer diagnostics arrived meanwhile
  wanted.forEach((problem, i) => {
    const actions = [];
    let explain = null;
    for (const item of results[i] || []) {
      const command = typeof item.command === "string" ? item : item.command;
      if (command && command.command === "hypercode.explain") {
        explain = { title: item.title || "Explain", explain: true, code: command.arguments?.[0] ?? codeOf(problem.lsp) };
      } else if ((item.edit || item.command) && !actions.some((a) => a.title === item.title)) {
        actions.push({ title: item.title, edit: item.edit, command, isPreferred: item.isPreferred });
      }
    }
    actions.sort((a, b) => (b.isPreferred ? 1 : 0) - (a.isPreferred ? 1 : 0));
    if (explain) actions.push(explain);
    else if (codeOf(problem.lsp)) actions.push(explainAction(codeOf(problem.lsp)));
    problem.actions = actions;
    problem.fetchedFor = docAtRequest;
  });
  if (view.state.doc === problemsDoc) showProblems(view);
  else renderProblemsPanel(view);
}

function applyWorkspaceEdit(view, edit, docAtRequest) {
  const plugin = LSPPlugin.get(view);
  if (!plugin || !edit) return false;
  if (docAtRequest && plugin.syncedDoc !== docAtRequest) return false;
  let edits = [];
  if (edit.changes?.[DOC_URI]) edits = edits.concat(edit.changes[DOC_URI]);
  for (const change of edit.documentChanges || []) {
    if (change.textDocument?.uri === DOC_URI) edits = edits.concat(change.edits);
  }
  const changes = edits.map((e) => ({ ...lspToOffsets(plugin, e.range), insert: e.newText }));
  view.dispatch({ changes, userEvent: "input.quickfix", scrollIntoView: true });
  return true;
}

async function runAction(view, problem, action) {
  if (action.explain) {
    explain(action.code);
    return;
  }
  if (action.edit) {
    if (!applyWorkspaceEdit(view, action.edit, problem.fetchedFor)) {
      // The text changed since this fix was worked out: ask again for the current text.
      client.sync();
      const plugin = LSPPlugin.get(view);
      const current = { ...problem.lsp, range: { start: plugin.toPosition(problem.from), end: plugin.toPosition(problem.to) } };
      const fresh = await client
        .request("textDocument/codeAction", {
          textDocument: { uri: DOC_URI },
          range: current.range,
          context: { diagnostics: [current], triggerKind: 1 },
        })
        .catch(() => []);
      const same = (fresh || []).find((item) => item.title === action.title && item.edit);
      if (!same || !applyWorkspaceEdit(view, same.edit, null)) {
        announce("That fix no longer fits the code. The list of problems will refresh in a moment.");
        return;
      }
    }
    announce(`Applied: ${action.title}.`);
  }
  if (action.command) {
    if (action.command.command === "hypercode.explain") explain(action.command.arguments?.[0]);
    else await client.request("workspace/executeCommand", action.command).catch(() => null);
  }
  view.focus();
}

function lineOf(view, pos) {
  return view.state.doc.lineAt(Math.min(pos, view.state.doc.length)).number;
}

function describeProblem(view, problem) {
  const line = view.state.doc.lineAt(Math.min(problem.from, view.state.doc.length)).number;
  // The first sentence line only: the status line is a summary, the panel has the rest.
  return `Line ${line}: ${problem.lsp.message.split("\n")[0]}`;
}

let announceProblemsTimer = null;
/** The status line's problem summary, so an edit can take it back before it goes stale. */
let shownSummary = "";
function announceProblems() {
  clearTimeout(announceProblemsTimer);
  announceProblemsTimer = setTimeout(() => {
    // Only speak about the text as it is now: after more typing these problems may be fixed,
    // and the next diagnostics will bring a fresh summary.
    if (view.state.doc !== problemsDoc || !problemsCurrent) return;
    const current = visibleProblems(view.state);
    let summary;
    if (!current.length) {
      summary = lastSummary && lastSummary !== "No problems found." ? "No problems found." : "";
    } else {
      const count = current.length === 1 ? "1 thing to look at" : `${current.length} things to look at`;
      summary = `${count}. ${current.slice(0, 3).map((p) => describeProblem(view, p)).join(" ")}`;
    }
    if (summary && summary !== lastSummary) {
      announce(summary);
      shownSummary = summary;
    }
    if (summary) lastSummary = summary;
  }, 900);
}

/** The text changed: a problem summary in the status line may describe fixed problems now. */
function withdrawStaleSummary() {
  clearTimeout(announceProblemsTimer);
  if (shownSummary && $("status-message").textContent === shownSummary) {
    $("status-message").textContent = "";
    clearTimeout(announceTimer); // not read out after all
    if ($("announcer").textContent === shownSummary) $("announcer").textContent = "";
    lastSummary = "";
  }
  shownSummary = "";
}

function goTo(view, pos) {
  view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  view.focus();
}

function renderProblemsPanel(view) {
  const list = $("problems-list");
  const heading = $("problems-count");
  const shown = visibleProblems(view.state);
  list.replaceChildren();
  heading.textContent = shown.length ? `(${shown.length})` : "";
  if (!connected || !problemsDoc) {
    // No answer from the server (yet): say so, never "no problems".
    const li = document.createElement("li");
    li.className = "hf-empty hf-offline";
    li.textContent = connected ? "Checking your code…" : NOT_CONNECTED;
    list.append(li);
    return;
  }
  if (!shown.length) {
    const li = document.createElement("li");
    li.className = "hf-empty";
    li.textContent = "No problems found. Nice and tidy.";
    list.append(li);
    return;
  }
  for (const problem of shown) {
    const li = document.createElement("li");
    li.className = `hf-problem hf-problem-${problem.severity}`;
    const go = document.createElement("button");
    go.type = "button";
    go.className = "hf-problem-go";
    const line = lineOf(view, problem.from);
    const code = codeOf(problem.lsp);
    go.title = "Go to this place in the code";
    const where = document.createElement("span");
    where.className = "hf-problem-where";
    where.textContent = `Line ${line}`;
    const kind = document.createElement("span");
    kind.className = "hf-problem-kind";
    kind.textContent = `${SEVERITY_WORD[problem.severity]}${code ? ` · ${code}` : ""}`;
    const text = document.createElement("span");
    text.className = "hf-problem-text";
    text.textContent = problem.lsp.message;
    go.append(where, kind, text);
    const why = whyOf(problem.lsp);
    if (why && !problem.lsp.message.includes(why)) {
      const more = document.createElement("span");
      more.className = "hf-problem-why";
      more.textContent = why;
      go.append(more);
    }
    go.addEventListener("click", () => goTo(view, problem.from));
    li.append(go);
    if (problem.actions.length) {
      const actions = document.createElement("div");
      actions.className = "hf-problem-actions";
      for (const action of problem.actions) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = action.explain ? "hf-small hf-secondary" : "hf-small hf-fix";
        button.textContent = action.explain ? `Explain ${action.code}` : action.title;
        button.addEventListener("click", () => runAction(view, problem, action));
        actions.append(button);
      }
      li.append(actions);
    }
    list.append(li);
  }
}

// ---------------------------------------------------------------- explain

async function explain(code) {
  if (!code) return;
  const panel = $("explain-body");
  $("explain-panel").hidden = false;
  panel.replaceChildren(paragraph(`Looking up ${code}…`));
  try {
    const result = await client.request("hypercode/explain", { code });
    const text = result.explanation || "";
    const parts = [];
    // The explanation may start with its own heading; only add one when it doesn't.
    if (!/^\s*#/.test(text)) {
      const title = document.createElement("h3");
      title.textContent = `${result.code || code}: ${result.title || ""}`.replace(/:\s*$/, "");
      parts.push(title);
    }
    panel.replaceChildren(...parts, renderMarkdown(text));
    announce(`Explanation for ${code} is ready in the Explain panel.`);
  } catch (error) {
    panel.replaceChildren(paragraph(`There is no explanation for ${code} right now. ${calmError(error)}`));
  }
  $("explain-heading").focus(); // also scrolls the panel into view
}

/** Show `markdown` in the Explain panel under `heading` (no focus move: the caller decides). */
function showExplanation(heading, markdown) {
  const title = document.createElement("h3");
  title.textContent = heading;
  $("explain-body").replaceChildren(title, renderMarkdown(markdown));
  $("explain-panel").hidden = false;
}

function paragraph(text) {
  const p = document.createElement("p");
  p.textContent = text;
  return p;
}

function calmError(error) {
  const message = String(error?.message || error || "");
  if (!connected || message === NOT_CONNECTED) return NOT_CONNECTED;
  if (/timed out|in time/i.test(message)) return "The HyperCode helper took too long to answer.";
  return message ? `(${message})` : "";
}

function problemAt(pos) {
  return visibleProblems(view.state).find((p) => p.from <= pos && pos <= p.to) || null;
}

function focusFixAtCursor(view) {
  if (currentRun) return stopRun();
  const shown = visibleProblems(view.state);
  const here = problemAt(view.state.selection.main.head);
  const item = here && $("problems-list").children[shown.indexOf(here)];
  const button = item && item.querySelector(".hf-problem-actions button");
  if (button) button.focus();
  else announce(shown.length ? "There is no problem at the cursor, so no quick fix here. F8 goes to the next problem." : "There is no quick fix here: no problems found.");
  return true;
}

function explainAtCursor(view) {
  const here = problemAt(view.state.selection.main.head);
  if (here && codeOf(here.lsp)) explain(codeOf(here.lsp));
  else if (problems.length) announce("There is no problem at the cursor to explain. Move the cursor onto an underlined part (F8 goes to the next problem).");
  else announce("There is nothing to explain: no problems found.");
  return true;
}

/** Resolves once the server has sent diagnostics for the current text (or after `ms`). */
function freshDiagnostics(ms = 3000) {
  const fresh = () => view.state.doc === problemsDoc && problemsCurrent;
  if (fresh()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const started = Date.now();
    const poll = () => {
      if (fresh()) resolve(true);
      else if (Date.now() - started > ms) resolve(false);
      else setTimeout(poll, 50);
    };
    poll();
  });
}

// ---------------------------------------------------------------- tidy and go to definition

const SYNTAX_CODE = /^HC0\d{3}$/;

/** Tidy (format) the whole file, and say truthfully what happened. */
async function tidy(view) {
  const plugin = LSPPlugin.get(view);
  if (!connected || !plugin) {
    announce(`Can't tidy now. ${NOT_CONNECTED}`);
    return true;
  }
  client.sync();
  const docAtRequest = view.state.doc;
  let edits;
  try {
    edits = await client.request("textDocument/formatting", {
      textDocument: { uri: DOC_URI },
      options: { tabSize: 4, insertSpaces: true },
    });
  } catch (error) {
    announce(`Tidy didn't work. ${calmError(error)}`);
    return true;
  }
  if (view.state.doc !== docAtRequest) {
    announce("The code changed while tidying, so nothing was changed. Press Tidy again.");
    return true;
  }
  if (edits && edits.length) {
    const changes = edits.map((e) => ({ ...lspToOffsets(plugin, e.range), insert: e.newText }));
    view.dispatch({ changes, userEvent: "format" });
    announce("Tidied the code layout. Ctrl+Z undoes it.");
    return true;
  }
  // No edits: either it is tidy already, or the server could not read the code.
  await freshDiagnostics();
  const syntax = problems.find((p) => p.severity === "error" && SYNTAX_CODE.test(codeOf(p.lsp)));
  if (syntax) {
    announce(`Can't tidy yet: line ${lineOf(view, syntax.from)} has a mistake in how the code is written (${codeOf(syntax.lsp)}: ${syntax.lsp.message.split("\n")[0]}). Fix it first, then Tidy again.`);
  } else {
    announce("The layout is already tidy. Nothing to change.");
  }
  return true;
}

function wordAt(state, pos) {
  const range = state.wordAt(pos) || (pos > 0 ? state.wordAt(pos - 1) : null);
  return range ? state.sliceDoc(range.from, range.to) : "";
}

function hoverText(hover) {
  const contents = hover?.contents;
  if (!contents) return "";
  if (typeof contents === "string") return contents;
  if (Array.isArray(contents)) return contents.map((c) => (typeof c === "string" ? c : c.value)).join("\n\n");
  return contents.value || "";
}

/** Go to definition (F12): jump, or say why not (a built-in, or nothing defined). */
async function goToDefinition(view) {
  const plugin = LSPPlugin.get(view);
  const pos = view.state.selection.main.head;
  const name = wordAt(view.state, pos);
  if (!name || !/^[\p{L}_]/u.test(name)) {
    announce("Put the cursor on a name first, then Go to definition (F12).");
    return true;
  }
  if (!connected || !plugin) {
    announce(`Can't look up '${name}' now. ${NOT_CONNECTED}`);
    return true;
  }
  client.sync();
  const position = plugin.toPosition(pos);
  let found;
  try {
    found = await client.request("textDocument/definition", { textDocument: { uri: DOC_URI }, position });
  } catch (error) {
    announce(`Go to definition didn't work. ${calmError(error)}`);
    return true;
  }
  const loc = Array.isArray(found) ? found[0] : found;
  const uri = loc?.uri ?? loc?.targetUri;
  const range = loc?.targetSelectionRange ?? loc?.range;
  if (uri === DOC_URI && range) {
    const target = lspToOffsets(plugin, range).from;
    view.dispatch({ selection: { anchor: target }, scrollIntoView: true, userEvent: "select.definition" });
    view.focus();
    announce(`Line ${lineOf(view, target)}: where '${name}' is defined.`);
    return true;
  }
  if (uri) {
    announce(`'${name}' is defined in ${decodeURIComponent(uri.replace(/^.*\//, ""))}, another file.`);
    return true;
  }
  let doc = "";
  try {
    doc = hoverText(await client.request("textDocument/hover", { textDocument: { uri: DOC_URI }, position }));
  } catch {
    doc = "";
  }
  if (BUILTINS.has(name) || /built-in/i.test(doc)) {
    showExplanation(`'${name}' is built into HyperCode`, doc || `'${name}' comes with HyperCode, so it has no definition in your code.`);
    announce(`'${name}' is built into HyperCode, so it has no definition in your code. What it does is shown in the Explain panel.`);
  } else {
    announce(`'${name}' is not defined anywhere in this program.`);
  }
  return true;
}

// ---------------------------------------------------------------- run

/**
 * The run in progress: {id, transcript, asked, stopping}. Runs are interactive (see
 * RUN_PROTOCOL: hypercode/runOutput, runWaiting, runInput, runStop): output streams in, and when
 * the program calls input() a field at the end of the output asks for the line, like a terminal.
 */
let currentRun = null;
let runCounter = 0;

const runNotifications = {
  "hypercode/runOutput": ({ runId, text }) => {
    if (!currentRun || runId !== currentRun.id || typeof text !== "string") return;
    currentRun.streamed = true;
    appendOutput(text);
  },
  "hypercode/runWaiting": ({ runId, prompt }) => {
    if (!currentRun || runId !== currentRun.id) return;
    askForInput(typeof prompt === "string" ? prompt : "");
  },
};

function appendOutput(text) {
  const out = $("stdout");
  const atBottom = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
  out.append(text); // a text node: no parsing, fast for long output
  $("stdout-empty").hidden = true;
  if (atBottom) out.scrollTop = out.scrollHeight; // follow the output, unless the person scrolled up
}

function askForInput(prompt) {
  currentRun.asked = true;
  if (prompt) appendOutput(prompt);
  const form = $("run-input-form");
  const field = $("run-input");
  $("run-input-prompt").textContent = prompt ? `The program asks: ${prompt.trim()}` : "The program is waiting for a line of input.";
  form.hidden = false;
  field.value = "";
  field.disabled = false;
  field.focus();
  announce(`The program is waiting for you to type a line${prompt.trim() ? ` (it asked “${prompt.trim()}”)` : ""}. Enter sends it.`);
}

function hideInput() {
  const form = $("run-input-form");
  form.hidden = true;
  $("run-input").disabled = true;
}

function sendInput(payload) {
  if (!currentRun || !link) return;
  try {
    link.notify("hypercode/runInput", { runId: currentRun.id, ...payload });
  } catch {
    announce(NOT_CONNECTED);
    return;
  }
  // Echo the line as a terminal does, so the transcript reads the way it happened.
  appendOutput(payload.eof ? "\n" : `${payload.text}\n`);
  hideInput();
  if (view) view.focus();
}

function setRunning(on) {
  $("run").setAttribute("aria-busy", on ? "true" : "false");
  $("stop").hidden = !on;
  $("stop").disabled = !on;
}

/** Stop the run in progress (Stop button, Esc, Ctrl+.). */
async function stopRun() {
  const run = currentRun;
  if (!run) {
    announce("Nothing is running.");
    return true;
  }
  if (run.stopping) return true;
  run.stopping = true;
  hideInput();
  $("output-status").textContent = "Stopping…";
  try {
    const answer = await link.request("hypercode/runStop", { runId: run.id }, 10000);
    if (answer && answer.stopped === false && currentRun === run) {
      $("output-status").textContent = "Running… (it was finishing on its own)";
    }
  } catch (error) {
    if (currentRun !== run) return true;
    if (error.code === -32601) {
      announce("This HyperCode helper can't stop a run; the program ends at its time limit.");
    } else {
      // The helper does not answer: give up on this run here, so the editor is usable again.
      abandonRun(run, calmError(error) || "The HyperCode helper did not answer.");
    }
  }
  return true;
}

function abandonRun(run, why) {
  if (currentRun !== run) return;
  run.reject(new Error(why));
}

function clearOutput() {
  $("stdout").textContent = "";
  $("stdout-empty").hidden = false;
  $("stderr").textContent = "";
  $("stderr-block").hidden = true;
  $("run-diagnostics").replaceChildren();
  $("run-diagnostics").hidden = true;
  delete $("output-status").dataset.status;
  hideInput();
  if (runProblems.length && view) {
    runProblems = [];
    showProblems(view);
  }
}

function toRange(d) {
  // LSP ranges are 0-based; spec §8 ranges are 1-based {line, col, end_line, end_col}.
  if (d.range?.start) return d.range;
  const r = d.range || {};
  if (typeof r.line === "number") {
    return {
      start: { line: r.line - 1, character: Math.max(0, (r.col ?? 1) - 1) },
      end: { line: (r.end_line ?? r.line) - 1, character: Math.max(0, (r.end_col ?? r.col ?? 1) - 1) },
    };
  }
  return null;
}

function formatDuration(seconds) {
  if (typeof seconds !== "number") return "";
  return seconds < 1 ? `${Math.max(1, Math.round(seconds * 1000))} ms` : `${seconds.toFixed(2)} s`;
}

const STATUS_TEXT = {
  success: "Finished",
  error: "Stopped with an error",
  timeout: "Stopped: time limit reached",
  stopped: "Stopped by you",
};

async function runProgram(view) {
  if (currentRun) {
    // Said out loud and shown, never silently ignored.
    const text = "A program is already running. Stop it first: the Stop button, or Esc.";
    announce(text);
    $("output-status").textContent = `Running… ${text}`;
    return true;
  }
  const sel = view.state.selection.main;
  const plugin = LSPPlugin.get(view);
  clearOutput();
  if (!connected || !link || !plugin) {
    $("output-status").textContent = `The program could not start. ${NOT_CONNECTED}`;
    $("output-status").dataset.status = "error";
    announce(`The program could not start. ${NOT_CONNECTED}`);
    return true;
  }
  const run = { id: `run-${Date.now().toString(36)}-${++runCounter}`, streamed: false, asked: false };
  currentRun = run;
  setRunning(true);
  $("output-status").textContent = "Running… (Esc or Stop ends it)";
  announce("Running the program.");
  const params = { uri: DOC_URI, runId: run.id, interactive: true };
  try {
    client.sync();
    if (!sel.empty) params.range = { start: plugin.toPosition(sel.from), end: plugin.toPosition(sel.to) };
    const abandoned = new Promise((_, reject) => {
      run.reject = reject;
    });
    const result = await Promise.race([link.request("hypercode/run", params), abandoned]);
    showRunResult(view, result, !!params.range, run);
  } catch (error) {
    const why = calmError(error) || "Please try again in a moment.";
    $("output-status").textContent = run.streamed || run.asked ? "The program was cut off." : "The program could not start.";
    $("output-status").dataset.status = "error";
    $("stderr").textContent = why;
    $("stderr-block").hidden = false;
    announce(`${$("output-status").textContent} ${why}`);
  } finally {
    if (currentRun === run) currentRun = null;
    hideInput();
    setRunning(false);
  }
  return true;
}

function showRunResult(view, result, partial, run = null) {
  let status = STATUS_TEXT[result.status] || "Finished";
  if (result.exit_code === 2) status = "Not run: there are problems to fix first";
  else if (result.exit_code === 3 && result.status !== "timeout") status = "Stopped: a size limit was reached";
  const bits = [`${status}${partial ? " (selection only)" : ""}`, `exit code ${result.exit_code}`];
  if (result.duration != null) bits.push(formatDuration(result.duration));
  $("output-status").textContent = bits.join(" · ");
  $("output-status").dataset.status = result.exit_code === 2 ? "blocked" : result.status || "";
  // A live transcript (output, prompts, the lines typed) stays as it happened; otherwise
  // the final answer's stdout is the whole output.
  if (!(run && (run.streamed || run.asked))) $("stdout").textContent = result.stdout || "";
  $("stdout-empty").hidden = !!$("stdout").textContent;
  $("stderr").textContent = result.stderr || "";
  $("stderr-block").hidden = !result.stderr;
  const list = $("run-diagnostics");
  list.replaceChildren();
  const plugin = LSPPlugin.get(view);
  for (const d of result.diagnostics || []) {
    const li = document.createElement("li");
    const range = toRange(d);
    const line = range ? range.start.line + 1 : null;
    const go = document.createElement("button");
    go.type = "button";
    go.className = "hf-problem-go";
    go.textContent = `${line ? `Line ${line}: ` : ""}${d.message}`;
    if (range && plugin) {
      go.addEventListener("click", () => {
        const pos = Math.min(view.state.doc.length, plugin.fromPosition(range.start, view.state.doc));
        goTo(view, pos);
      });
    }
    li.append(go);
    const code = codeOf(d);
    if (code) {
      const more = document.createElement("button");
      more.type = "button";
      more.className = "hf-small hf-secondary";
      more.textContent = `Explain ${code}`;
      more.addEventListener("click", () => explain(code));
      li.append(more);
    }
    list.append(li);
  }
  list.hidden = !list.childElementCount;
  // Underline where the run stopped, so the place is easy to find.
  runProblems = [];
  if (plugin && view.state.doc === plugin.syncedDoc && !partial) {
    for (const d of result.diagnostics || []) {
      const range = toRange(d);
      if (!range) continue;
      const lsp = { ...d, range, severity: 1 };
      const { from, to } = lspToOffsets(plugin, range);
      // A problem the checker already reported is underlined once, not twice.
      if (problems.some((p) => codeOf(p.lsp) === codeOf(d) && p.from <= from && from <= p.to)) continue;
      const line = view.state.doc.lineAt(Math.min(from, view.state.doc.length));
      runProblems.push({
        lsp,
        from,
        to: to > from ? to : line.to, // a point becomes its whole line
        severity: "error",
        actions: codeOf(d) ? [explainAction(codeOf(d))] : [],
        fetchedFor: plugin.syncedDoc,
        fromRun: true,
      });
    }
  }
  showProblems(view);
  const spoken = [`${status}, exit code ${result.exit_code}.`];
  if (result.stdout) spoken.push(`Output: ${result.stdout.slice(0, 200)}`);
  if (result.diagnostics?.length) spoken.push(result.diagnostics[0].message);
  announce(spoken.join(" "));
}

// ---------------------------------------------------------------- files

function savedFiles() {
  return readJSON(STORE.files, {});
}

function saveFile(view) {
  const name = $("file-name").value.trim() || "program.hc";
  $("file-name").value = name;
  const files = savedFiles();
  files[name] = { text: view.state.doc.toString(), saved: new Date().toISOString() };
  if (writeJSON(STORE.files, files)) announce(`Saved "${name}" in this browser.`);
  else announce("This browser would not store the file. Its storage may be full or turned off.");
  drafts.flush();
  return true;
}

/** Work that would be lost if replaced: not empty, not an example, not what is saved under its name. */
function hasUnsavedWork(view) {
  const text = view.state.doc.toString();
  if (!text.trim()) return false;
  if (EXAMPLES.some((example) => example.text === text)) return false;
  return savedFiles()[$("file-name").value]?.text !== text;
}

/** Replace the whole text in one undoable step. */
function loadText(view, text, name) {
  view.dispatch({ effects: signatureCompartment.reconfigure([]) });
  view.dispatch({
    changes: { from: 0, to: view.state.doc.length, insert: text },
    selection: { anchor: 0 },
    effects: signatureCompartment.reconfigure(signatureHelp()),
    userEvent: "input.replace",
  });
  $("file-name").value = name;
  drafts.flush();
  view.focus();
}

/**
 * Open something in place of the current text. Unsaved work is asked about first, and after
 * replacing it an "Undo" offer stays visible (the replaced text is also one Ctrl+Z away).
 */
function replaceText(view, text, name, what) {
  const previous = { text: view.state.doc.toString(), name: $("file-name").value };
  const unsaved = hasUnsavedWork(view);
  const go = () => {
    loadText(view, text, name);
    $("open-dialog").close();
    if (unsaved) {
      showNotice(`Opened ${what}. Your previous code was not saved; Undo brings it back.`, [
        ["Undo", () => {
          if (!undo(view) || view.state.doc.toString() !== previous.text) loadText(view, previous.text, previous.name);
          $("file-name").value = previous.name;
          drafts.flush();
          hideNotice();
          announce("Your previous code is back.");
        }],
      ]);
      announce(`Opened ${what}. Undo in the notice above the editor brings your previous code back.`);
    } else {
      announce(`Opened ${what}.`);
    }
  };
  if (!unsaved) return go();
  askInDialog(`Your code has changes that are not saved. Replace it with ${what}?`, go);
}

/** A question at the top of the Open dialog: [Replace] [Cancel]. */
function askInDialog(question, onYes) {
  const box = $("replace-confirm");
  $("replace-question").textContent = question;
  box.hidden = false;
  const yes = $("replace-yes");
  const no = $("replace-no");
  const done = () => {
    box.hidden = true;
    yes.onclick = null;
    no.onclick = null;
  };
  yes.onclick = () => {
    done();
    onYes();
  };
  no.onclick = () => {
    done();
    announce("Nothing was replaced.");
    $("open-dialog").close();
    view.focus();
  };
  yes.focus();
}

// ---------------------------------------------------------------- notice (above the editor)

function showNotice(text, actions = []) {
  const box = $("notice");
  $("notice-text").textContent = text;
  const buttons = $("notice-actions");
  buttons.replaceChildren();
  for (const [label, run] of [...actions, ["Dismiss", hideNotice]]) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "hf-small" + (label === "Dismiss" ? " hf-secondary" : "");
    button.textContent = label;
    button.addEventListener("click", () => {
      run();
      if (label === "Dismiss") view.focus();
    });
    buttons.append(button);
  }
  box.hidden = false;
}

function hideNotice() {
  $("notice").hidden = true;
}

/** Another tab saved a newer draft of this file: say so, and offer it. */
function offerOtherTabDraft(draft) {
  const when = new Date(draft.saved || Date.now()).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  showNotice(`Another hyperflow tab has newer changes to "${draft.name}" (${when}). Each tab keeps its own draft; nothing was overwritten.`, [
    ["Use the other tab's version", () => {
      loadText(view, draft.text, draft.name);
      hideNotice();
      announce("Loaded the other tab's version. Ctrl+Z brings this tab's text back.");
    }],
  ]);
}

function openDialog(view) {
  const dialog = $("open-dialog");
  const list = $("saved-list");
  list.replaceChildren();
  const files = savedFiles();
  const names = Object.keys(files).sort();
  if (!names.length) {
    const li = document.createElement("li");
    li.className = "hf-empty";
    li.textContent = "Nothing saved yet. Use Save to keep a program in this browser.";
    list.append(li);
  }
  for (const name of names) {
    const li = document.createElement("li");
    const open = document.createElement("button");
    open.type = "button";
    open.textContent = name;
    open.addEventListener("click", () => replaceText(view, files[name].text, name, `"${name}"`));
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "hf-small hf-secondary";
    remove.textContent = "Delete";
    remove.setAttribute("aria-label", `Delete ${name}`);
    remove.addEventListener("click", () => {
      if (!confirm(`Delete "${name}" from this browser?`)) return;
      const all = savedFiles();
      delete all[name];
      writeJSON(STORE.files, all);
      openDialog(view);
      announce(`Deleted "${name}".`);
    });
    li.append(open, remove);
    list.append(li);
  }
  $("replace-confirm").hidden = true;
  if (!dialog.open) dialog.showModal();
  return true;
}

function initExamples(view) {
  const list = $("examples-list");
  for (const example of EXAMPLES) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = example.title;
    button.dataset.example = example.id;
    button.addEventListener("click", () => replaceText(view, example.text, `${example.id}.hc`, `the example "${example.title}"`));
    li.append(button);
    list.append(li);
  }
}

// ---------------------------------------------------------------- editor

/**
 * Answers that are expected while typing or reconnecting: the text changed under the request
 * (ContentModified), it was cancelled, or the connection is gone. Nothing to report.
 */
function expectedFailure(error) {
  return error?.code === -32801 || error?.code === -32800 || !connected ||
    /not connected|closed/i.test(String(error?.message || ""));
}

// Some of @codemirror/lsp-client's own requests (signature help while typing, for one) leave a
// rejection unhandled; when it only says "the text changed meanwhile" it is not an error.
window.addEventListener("unhandledrejection", (event) => {
  const reason = event.reason;
  if (reason && typeof reason === "object" && (reason.code === -32801 || reason.code === -32800)) event.preventDefault();
});

/** Server completion, quiet about answers that no longer apply. */
function quietCompletionSource(context) {
  const result = serverCompletionSource(context);
  return result && typeof result.then === "function"
    ? result.catch((error) => {
      if (expectedFailure(error)) return null;
      throw error;
    })
    : result;
}

/** Hover from the server: positions clamped to the text, stale answers dropped. */
const quietHover = hoverTooltip(async (view, pos) => {
  const plugin = LSPPlugin.get(view);
  if (!plugin || !connected) return null;
  client.sync();
  const doc = view.state.doc;
  let result;
  try {
    result = await client.request("textDocument/hover", { textDocument: { uri: DOC_URI }, position: plugin.toPosition(pos) });
  } catch (error) {
    if (expectedFailure(error)) return null;
    throw error;
  }
  if (!result || view.state.doc !== doc) return null;
  const markdown = hoverText(result);
  if (!markdown) return null;
  return {
    pos: result.range ? offsetIn(doc, result.range.start) : pos,
    end: result.range ? offsetIn(doc, result.range.end) : pos,
    above: true,
    create() {
      const dom = document.createElement("div");
      dom.className = "cm-lsp-hover-tooltip cm-lsp-documentation";
      dom.innerHTML = plugin.docToHTML({ kind: "markdown", value: markdown });
      return { dom };
    },
  };
}, { hideOn: (tr) => tr.docChanged, hoverTime: 400 });

const client = new LSPClient({
  rootUri: "file:///hyperflow/",
  timeout: 40000,
  sanitizeHTML,
  notificationHandlers: { "textDocument/publishDiagnostics": handlePublish },
  extensions: [
    serverDiagnostics(),
    {
      clientCapabilities: {
        textDocument: {
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "refactor", "source"] } },
            isPreferredSupport: true,
          },
          publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        },
      },
    },
  ],
});

const themeCompartment = new Compartment();
// Signature help lives in its own compartment so loading a new text can drop a stale hint card.
const signatureCompartment = new Compartment();
const wrapCompartment = new Compartment();
const calmEditorTheme = EditorView.theme({
  "&": { color: "var(--code-fg)", backgroundColor: "var(--code-bg)", height: "100%" },
  ".cm-content": {
    fontFamily: "var(--code-font)",
    fontSize: "var(--code-size)",
    lineHeight: "var(--code-line-height)",
    caretColor: "var(--caret)",
    padding: "12px 0",
  },
  ".cm-gutters": {
    backgroundColor: "var(--gutter-bg)",
    color: "var(--muted)",
    border: "none",
    borderRight: "1px solid var(--line)",
    fontFamily: "var(--code-font)",
    fontSize: "var(--code-size)",
    lineHeight: "var(--code-line-height)",
  },
  ".cm-cursor, .cm-dropCursor": { borderLeft: "2px solid var(--caret)" },
  ".cm-activeLine": { backgroundColor: "var(--active-line)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--active-line)", color: "var(--fg)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "var(--selection) !important",
  },
  ".cm-tooltip": {
    backgroundColor: "var(--panel-bg)",
    color: "var(--fg)",
    border: "1px solid var(--line-strong)",
    borderRadius: "8px",
    fontFamily: "var(--ui-font)",
    fontSize: "1rem",
    lineHeight: "1.5",
    maxWidth: "min(36rem, 90vw)",
  },
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": { backgroundColor: "var(--accent-soft)", color: "var(--fg)" },
  ".cm-tooltip-autocomplete > ul": { fontFamily: "var(--code-font)" },
  ".cm-matchingBracket": { backgroundColor: "var(--accent-soft)", outline: "1px solid var(--accent)" },
});

/**
 * Tab picks the highlighted completion. The list ignores picks in its first moments after it
 * changes (so a fast typist doesn't pick by accident); a Tab then is kept, not turned into indent.
 */
function acceptWithTab(view) {
  if (completionStatus(view.state) !== "active") return false;
  if (!acceptCompletion(view)) setTimeout(() => acceptCompletion(view), 120);
  return true;
}

let tabMovesFocus = false;
/** Ctrl+M: Tab moves focus instead of indenting. The status bar shows the mode while it is on. */
function toggleTabMode(view) {
  tabMovesFocus = !tabMovesFocus;
  view.setTabFocusMode(tabMovesFocus);
  $("tab-mode").hidden = !tabMovesFocus;
  announce(tabMovesFocus ? "Tab now moves focus out of the editor. Ctrl+M makes Tab indent again." : "Tab indents again.");
  return true;
}

function buildEditor(startDraft) {
  const startText = startDraft?.text ?? EXAMPLES[0].text;
  $("file-name").value = startDraft?.name || "program.hc";

  const hyperflowKeys = [
    { key: "Mod-Enter", run: runProgram, preventDefault: true },
    { key: "Mod-s", run: saveFile, preventDefault: true },
    { key: "Mod-o", run: openDialog, preventDefault: true },
    { key: "Alt-Shift-e", run: explainAtCursor, preventDefault: true },
    { key: "Mod-.", run: focusFixAtCursor, preventDefault: true },
    { key: "F12", run: goToDefinition, preventDefault: true },
    { key: "Shift-Alt-f", run: tidy, preventDefault: true },
    { key: "Ctrl-m", mac: "Shift-Alt-m", run: toggleTabMode, preventDefault: true },
    // Esc stops a running program once nothing in the editor wanted it (an open list closes first).
    { key: "Escape", run: () => (currentRun ? stopRun() : false) },
  ];

  const state = EditorState.create({
    doc: startText,
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      foldGutter(),
      drawSelection({ cursorBlinkRate: 0 }),
      dropCursor(),
      EditorState.allowMultipleSelections.of(true),
      indentOnInput(),
      bracketMatching(),
      closeBrackets(),
      autocompletion({ activateOnTypingDelay: 250 }),
      EditorState.languageData.of(() => [{ autocomplete: quietCompletionSource }]),
      quietHover,
      rectangularSelection(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      lintGutter(),
      hypercode(),
      themeCompartment.of(calmEditorTheme),
      signatureCompartment.of(signatureHelp()),
      wrapCompartment.of(settings.wrap ? EditorView.lineWrapping : []),
      keymap.of([
        ...hyperflowKeys,
        ...closeBracketsKeymap,
        ...defaultKeymap,
        ...searchKeymap,
        ...historyKeymap,
        ...foldKeymap,
        ...completionKeymap,
        ...lintKeymap,
        ...renameKeymap,
        ...findReferencesKeymap,
        // Tab accepts the highlighted completion, as in other editors; otherwise it indents.
        { key: "Tab", run: acceptWithTab },
        indentWithTab,
      ]),
      EditorView.contentAttributes.of({
        "aria-label": "HyperCode program. Press Escape then Tab to leave the editor.",
        "aria-describedby": "editor-help",
      }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          drafts.schedule();
          runProblems = []; // the next diagnostics from the server redraw without them
          // Keep problem positions on the text they describe until fresh ones arrive.
          for (const p of problems) {
            p.from = update.changes.mapPos(p.from, 1);
            p.to = Math.max(p.from, update.changes.mapPos(p.to, -1));
          }
          withdrawStaleSummary();
        }
        if (completionStatus(update.startState) !== completionStatus(update.state)) {
          // The completion list opened or closed: show or hold back the word being typed.
          setTimeout(() => showProblems(update.view), 0);
        }
        if (update.selectionSet || update.docChanged) {
          const head = update.state.selection.main.head;
          const line = update.state.doc.lineAt(head);
          $("cursor-pos").textContent = `Line ${line.number}, column ${head - line.from + 1}`;
        }
      }),
      client.plugin(DOC_URI, "hypercode"),
    ],
  });
  return new EditorView({ state, parent: $("editor") });
}

let view = null;
let drafts = null;

/**
 * What extension modules (agents.js, voice.js) get: the editor, the LSP client, a way to say
 * something in the status line, and a container for their own panels. A module exports
 * `attach(context)` and main.js calls it at the end of init() (one line per module).
 */
export const editorContext = {
  get view() {
    return view;
  },
  client,
  uri: DOC_URI,
  get connected() {
    return connected;
  },
  setStatus: (text) => announce(text),
  panels: null,
};

function init() {
  drafts = new Drafts({
    getText: () => view.state.doc.toString(),
    getName: () => $("file-name").value,
    onNewerElsewhere: offerOtherTabDraft,
  });
  const startDraft = drafts.initial();
  view = buildEditor(startDraft);
  const other = startDraft && drafts.newerElsewhere(startDraft.name, startDraft.saved);
  if (other && other.text !== startDraft.text) offerOtherTabDraft(other);
  editorContext.panels = $("extra-panels");
  initSettings();
  initExamples(view);
  renderProblemsPanel(view);

  $("run").addEventListener("click", () => runProgram(view));
  $("stop").addEventListener("click", () => stopRun());
  $("run-input-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sendInput({ text: $("run-input").value });
  });
  $("run-input").addEventListener("keydown", (event) => {
    if (event.ctrlKey && event.key.toLowerCase() === "d") {
      event.preventDefault();
      sendInput({ eof: true }); // end of input, as Ctrl+D in a terminal
    }
  });
  $("format").addEventListener("click", () => {
    view.focus();
    tidy(view);
  });
  $("definition").addEventListener("click", () => {
    view.focus();
    goToDefinition(view);
  });
  $("save").addEventListener("click", () => saveFile(view));
  $("open").addEventListener("click", () => openDialog(view));
  $("settings-button").addEventListener("click", () => $("settings-dialog").showModal());
  $("help-button").addEventListener("click", () => $("help-dialog").showModal());
  for (const button of document.querySelectorAll("[data-close]")) {
    button.addEventListener("click", () => button.closest("dialog").close());
  }
  $("file-name").addEventListener("input", () => drafts.schedule());
  // The skip link lands in the code itself, not on a wrapper around it.
  $("skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    view.focus();
  });
  $("explain-close").addEventListener("click", () => {
    $("explain-panel").hidden = true;
    view.focus();
  });
  $("clear-output").addEventListener("click", () => {
    if (currentRun) {
      $("stdout").textContent = "";
      return;
    }
    clearOutput();
    $("output-status").textContent = "Nothing has run yet.";
  });
  document.addEventListener("keydown", (event) => {
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key === "Enter" && !view.hasFocus) {
      // Ctrl+Enter / Ctrl+S work from anywhere on the page, not only the editor.
      event.preventDefault();
      runProgram(view);
    } else if (mod && event.key.toLowerCase() === "s" && !view.hasFocus) {
      event.preventDefault();
      saveFile(view);
    } else if (currentRun && !event.defaultPrevented && !document.querySelector("dialog[open]") &&
               (event.key === "Escape" || (mod && event.key === "."))) {
      // Esc or Ctrl+. stops the running program from anywhere (the editor handles its own keys).
      if (view.hasFocus) return;
      event.preventDefault();
      stopRun();
    }
  });

  // A small, stable hook for the browser tests and for curious people in the console.
  window.hyperflow = {
    view,
    client,
    context: editorContext,
    get problems() {
      return problems.map((p) => ({
        code: codeOf(p.lsp), message: p.lsp.message, severity: p.severity,
        from: p.from, to: p.to, actions: p.actions.map((a) => a.title),
      }));
    },
    get publishes() {
      return publishes;
    },
    get drafts() {
      return drafts;
    },
    get running() {
      return currentRun ? currentRun.id : null;
    },
    examples: EXAMPLES,
    markdown: { render: renderMarkdown, sanitizeHTML },
    setText: (text) => {
      loadText(view, text, $("file-name").value);
      client.sync();
    },
    explain,
    run: () => runProgram(view),
    stop: () => stopRun(),
  };
  setConnection("connecting");
  keepConnected();
  view.focus();
  // Extension modules hook in here, one line each (see editorContext above).
  attachVoice(editorContext);
  attachAgents(editorContext);
}

init();
