// hyperflow: the HyperCode web editor.
// CodeMirror 6 + @codemirror/lsp-client, talking to the HyperCode language
// server over a WebSocket on the same origin (/lsp), one session per tab.

import { EditorState, Compartment } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars, drawSelection, dropCursor, rectangularSelection,
} from "@codemirror/view";
import {
  defaultKeymap, history, historyKeymap, indentWithTab,
} from "@codemirror/commands";
import { indentOnInput, bracketMatching, foldGutter, foldKeymap } from "@codemirror/language";
import {
  autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap,
} from "@codemirror/autocomplete";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { setDiagnostics, lintGutter, lintKeymap } from "@codemirror/lint";
import {
  LSPClient, LSPPlugin, serverCompletion, hoverTooltips, signatureHelp, serverDiagnostics,
  formatDocument, formatKeymap, renameKeymap, jumpToDefinition, jumpToDefinitionKeymap,
  findReferencesKeymap,
} from "@codemirror/lsp-client";

import { hypercode } from "./hypercode-lang.js";
import { renderMarkdown, sanitizeHTML } from "./markdown.js";
import { EXAMPLES } from "./examples.js";

const DOC_URI = "file:///hyperflow/program.hc";
const STORE = {
  settings: "hyperflow:settings",
  files: "hyperflow:files",
  draft: "hyperflow:draft",
};
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
  "atkinson-mono": '"Atkinson Hyperlegible Mono", ui-monospace, monospace',
  opendyslexic: '"OpenDyslexic", "Atkinson Hyperlegible Mono", monospace',
  system: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
};
let settings = { ...DEFAULT_SETTINGS, ...readJSON(STORE.settings, {}) };

function applySettings() {
  const root = document.documentElement;
  root.dataset.theme = settings.theme;
  root.style.setProperty("--code-size", `${settings.fontSize}px`);
  root.style.setProperty("--code-line-height", String(settings.lineHeight));
  root.style.setProperty("--code-font", FONTS[settings.font] || FONTS["atkinson-mono"]);
  root.dataset.font = settings.font;
  $("font-size-value").textContent = `${settings.fontSize} px`;
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

function lspURL() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/lsp`;
}

function openSocket(url) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let handlers = [];
    socket.onmessage = (event) => {
      for (const handler of handlers) handler(String(event.data));
    };
    socket.onopen = () =>
      resolve({
        socket,
        transport: {
          send(message) {
            if (socket.readyState !== WebSocket.OPEN) throw new Error("The connection is closed.");
            socket.send(message);
          },
          subscribe(handler) {
            handlers.push(handler);
          },
          unsubscribe(handler) {
            handlers = handlers.filter((h) => h !== handler);
          },
        },
      });
    socket.onerror = () => reject(new Error("Could not connect."));
  });
}

function setConnection(state, text) {
  const el = $("connection");
  el.dataset.state = state;
  el.textContent = text;
}

async function keepConnected() {
  let delay = 500;
  for (;;) {
    try {
      const { socket, transport } = await openSocket(lspURL());
      client.connect(transport);
      await client.initializing;
      setConnection("on", "Helper connected");
      delay = 500;
      await new Promise((resolve) => socket.addEventListener("close", resolve, { once: true }));
      client.disconnect();
      setConnection("off", "Helper reconnecting…");
    } catch {
      setConnection("off", "Helper not reachable, trying again…");
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

function lspToOffsets(plugin, range) {
  const map = (pos) => plugin.unsyncedChanges.mapPos(plugin.fromPosition(pos, plugin.syncedDoc));
  const from = map(range.start);
  return { from, to: Math.max(from, map(range.end)) };
}

function renderDiagMessage(problem) {
  return () => {
    const box = document.createElement("div");
    box.className = "hf-diag";
    const code = codeOf(problem.lsp);
    if (code) {
      const badge = document.createElement("span");
      badge.className = "hf-diag-code";
      badge.textContent = code;
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
  view.dispatch(setDiagnostics(view.state, [...problems, ...runProblems].map(toLint)));
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
      } else if (item.edit || item.command) {
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

function describeProblem(view, problem) {
  const line = view.state.doc.lineAt(Math.min(problem.from, view.state.doc.length)).number;
  return `Line ${line}: ${problem.lsp.message}`;
}

let announceProblemsTimer = null;
function announceProblems() {
  clearTimeout(announceProblemsTimer);
  announceProblemsTimer = setTimeout(() => {
    let summary;
    if (!problems.length) {
      summary = lastSummary && lastSummary !== "No problems found." ? "No problems found." : "";
    } else {
      const count = problems.length === 1 ? "1 thing to look at" : `${problems.length} things to look at`;
      summary = `${count}. ${problems.slice(0, 3).map((p) => describeProblem(view, p)).join(" ")}`;
    }
    if (summary && summary !== lastSummary) announce(summary);
    if (summary) lastSummary = summary;
  }, 900);
}

function goTo(view, pos) {
  view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  view.focus();
}

function renderProblemsPanel(view) {
  const list = $("problems-list");
  const heading = $("problems-count");
  list.replaceChildren();
  heading.textContent = problems.length ? `(${problems.length})` : "";
  if (!problems.length) {
    const li = document.createElement("li");
    li.className = "hf-empty";
    li.textContent = "No problems found. Nice and tidy.";
    list.append(li);
    return;
  }
  for (const problem of problems) {
    const li = document.createElement("li");
    li.className = `hf-problem hf-problem-${problem.severity}`;
    const go = document.createElement("button");
    go.type = "button";
    go.className = "hf-problem-go";
    const line = view.state.doc.lineAt(Math.min(problem.from, view.state.doc.length)).number;
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

function paragraph(text) {
  const p = document.createElement("p");
  p.textContent = text;
  return p;
}

function calmError(error) {
  const message = String(error?.message || error || "");
  if (/timed out/i.test(message)) return "The helper took too long to answer.";
  if (!client.connected) return "The helper is not connected yet; it will reconnect on its own.";
  return message ? `(${message})` : "";
}

function focusFixAtCursor(view) {
  const pos = view.state.selection.main.head;
  const index = problems.findIndex((p) => p.from <= pos && pos <= p.to);
  const item = $("problems-list").children[index >= 0 ? index : 0];
  const button = item && item.querySelector(".hf-problem-actions button");
  if (button) button.focus();
  else announce("There is no quick fix here.");
  return true;
}

function explainAtCursor(view) {
  const pos = view.state.selection.main.head;
  const here = problems.find((p) => p.from <= pos && pos <= p.to) || problems[0];
  if (here && codeOf(here.lsp)) explain(codeOf(here.lsp));
  else announce("There is nothing to explain here.");
  return true;
}

// ---------------------------------------------------------------- run

let running = false;

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
};

async function runProgram(view) {
  if (running) return true;
  running = true;
  const button = $("run");
  button.setAttribute("aria-busy", "true");
  $("output-status").textContent = "Running…";
  const sel = view.state.selection.main;
  const plugin = LSPPlugin.get(view);
  const params = { uri: DOC_URI };
  try {
    client.sync();
    if (!sel.empty && plugin) params.range = { start: plugin.toPosition(sel.from), end: plugin.toPosition(sel.to) };
    const result = await client.request("hypercode/run", params);
    showRunResult(view, result, !!params.range);
  } catch (error) {
    $("output-status").textContent = "The program could not start.";
    $("stdout").textContent = "";
    $("stderr").textContent = calmError(error) || "Please try again in a moment.";
    $("stderr-block").hidden = false;
    announce("The program could not start.");
  } finally {
    running = false;
    button.removeAttribute("aria-busy");
  }
  return true;
}

function showRunResult(view, result, partial) {
  let status = STATUS_TEXT[result.status] || "Finished";
  if (result.exit_code === 2) status = "Not run: there are problems to fix first";
  else if (result.exit_code === 3 && result.status !== "timeout") status = "Stopped: a size limit was reached";
  const bits = [`${status}${partial ? " (selection only)" : ""}`, `exit code ${result.exit_code}`];
  if (result.duration != null) bits.push(formatDuration(result.duration));
  $("output-status").textContent = bits.join(" · ");
  $("output-status").dataset.status = result.exit_code === 2 ? "blocked" : result.status || "";
  $("stdout").textContent = result.stdout || "";
  $("stdout-empty").hidden = !!result.stdout;
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
  saveDraft(view);
  return true;
}

function loadText(view, text, name) {
  view.dispatch({ effects: signatureCompartment.reconfigure([]) });
  view.dispatch({
    changes: { from: 0, to: view.state.doc.length, insert: text },
    selection: { anchor: 0 },
    effects: signatureCompartment.reconfigure(signatureHelp()),
  });
  $("file-name").value = name;
  saveDraft(view);
  view.focus();
}

let draftTimer = null;
function saveDraft(view) {
  clearTimeout(draftTimer);
  draftTimer = setTimeout(() => {
    writeJSON(STORE.draft, { name: $("file-name").value, text: view.state.doc.toString() });
  }, 400);
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
    open.addEventListener("click", () => {
      loadText(view, files[name].text, name);
      dialog.close();
      announce(`Opened "${name}".`);
    });
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
    button.addEventListener("click", () => {
      loadText(view, example.text, `${example.id}.hc`);
      $("open-dialog").close();
      announce(`Loaded the example "${example.title}".`);
    });
    li.append(button);
    list.append(li);
  }
}

// ---------------------------------------------------------------- editor

const client = new LSPClient({
  rootUri: "file:///hyperflow/",
  timeout: 40000,
  sanitizeHTML,
  notificationHandlers: { "textDocument/publishDiagnostics": handlePublish },
  extensions: [
    serverCompletion(),
    hoverTooltips({ hoverTime: 400 }),
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
    fontSize: "16px",
    lineHeight: "1.5",
    maxWidth: "min(36rem, 90vw)",
  },
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": { backgroundColor: "var(--accent-soft)", color: "var(--fg)" },
  ".cm-tooltip-autocomplete > ul": { fontFamily: "var(--code-font)" },
  ".cm-matchingBracket": { backgroundColor: "var(--accent-soft)", outline: "1px solid var(--accent)" },
});

function buildEditor() {
  const draft = readJSON(STORE.draft, null);
  const startText = draft?.text ?? EXAMPLES[0].text;
  $("file-name").value = draft?.name || "program.hc";

  const hyperflowKeys = [
    { key: "Mod-Enter", run: runProgram, preventDefault: true },
    { key: "Mod-s", run: saveFile, preventDefault: true },
    { key: "Mod-o", run: openDialog, preventDefault: true },
    { key: "Alt-Shift-e", run: explainAtCursor, preventDefault: true },
    { key: "Mod-.", run: focusFixAtCursor, preventDefault: true },
    { key: "F12", run: jumpToDefinition, preventDefault: true },
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
        ...formatKeymap,
        ...renameKeymap,
        ...jumpToDefinitionKeymap,
        ...findReferencesKeymap,
        indentWithTab,
      ]),
      EditorView.contentAttributes.of({
        "aria-label": "HyperCode program. Press Escape then Tab to leave the editor.",
        "aria-describedby": "editor-help",
      }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          saveDraft(update.view);
          runProblems = []; // the next diagnostics from the server redraw without them
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

function init() {
  view = buildEditor();
  initSettings();
  initExamples(view);
  renderProblemsPanel(view);

  $("run").addEventListener("click", () => runProgram(view));
  $("format").addEventListener("click", () => {
    client.sync();
    formatDocument(view);
    announce("Tidied the code layout.");
    view.focus();
  });
  $("definition").addEventListener("click", () => {
    jumpToDefinition(view);
    view.focus();
  });
  $("save").addEventListener("click", () => saveFile(view));
  $("open").addEventListener("click", () => openDialog(view));
  $("settings-button").addEventListener("click", () => $("settings-dialog").showModal());
  $("help-button").addEventListener("click", () => $("help-dialog").showModal());
  for (const button of document.querySelectorAll("[data-close]")) {
    button.addEventListener("click", () => button.closest("dialog").close());
  }
  $("explain-close").addEventListener("click", () => {
    $("explain-panel").hidden = true;
    view.focus();
  });
  $("clear-output").addEventListener("click", () => {
    $("stdout").textContent = "";
    $("stderr").textContent = "";
    $("stderr-block").hidden = true;
    $("run-diagnostics").replaceChildren();
    $("output-status").textContent = "Nothing has run yet.";
    $("stdout-empty").hidden = false;
  });
  document.addEventListener("keydown", (event) => {
    // Ctrl+Enter / Ctrl+S work from anywhere on the page, not only the editor.
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && !view.hasFocus) {
      event.preventDefault();
      runProgram(view);
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s" && !view.hasFocus) {
      event.preventDefault();
      saveFile(view);
    }
  });

  // A small, stable hook for the browser tests and for curious people in the console.
  window.hyperflow = {
    view,
    client,
    get problems() {
      return problems.map((p) => ({
        code: codeOf(p.lsp), message: p.lsp.message, severity: p.severity,
        from: p.from, to: p.to, actions: p.actions.map((a) => a.title),
      }));
    },
    get publishes() {
      return publishes;
    },
    examples: EXAMPLES,
    markdown: { render: renderMarkdown, sanitizeHTML },
    setText: (text) => {
      loadText(view, text, $("file-name").value);
      client.sync();
    },
    explain,
    run: () => runProgram(view),
  };
  keepConnected();
}

init();
