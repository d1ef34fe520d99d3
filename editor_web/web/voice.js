// hyperflow voice coding (VOICE.md §4): a microphone button (Alt+M), capture with getUserMedia +
// an AudioWorklet, the /voice socket, an always-visible mode and "Heard: …" line, the
// alternatives and "Did you say …?" when the server is unsure, and voice edits that are each one
// undo step ("scratch that" undoes the last voice command, whatever it was).
//
// The server computes every edit on the text this page last sent it (a `document` message after
// each change), so an edit is applied only when the editor still holds that same text.
import { EditorSelection, ChangeSet, StateEffect } from "@codemirror/state";
import { isolateHistory } from "@codemirror/commands";
import { EditorView } from "@codemirror/view";

const SHORTCUT = "Alt+M";
const MODE_WORDS = {
  command: "Voice: commands",
  spell: "Voice: spelling",
  dictation: "Voice: dictation",
  off: "Voice: not listening",
};
const STYLE = `
.hf-voice{display:flex;flex-direction:column;gap:.35rem;padding:.5rem .75rem;border:1px solid currentColor;border-radius:.5rem;margin:.5rem 0}
.hf-voice-heard{font-weight:700;min-height:1.4em}
.hf-voice-note{min-height:1.2em}
.hf-voice-alternatives{display:flex;flex-wrap:wrap;gap:.35rem;list-style:none;margin:0;padding:0}
.hf-voice-mode{font-weight:700}
#voice-button[aria-pressed="true"]{outline:3px solid currentColor}
`;

function voiceURL() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const token = new URLSearchParams(location.search).get("token");
  return `${scheme}//${location.host}/voice${token ? `?token=${encodeURIComponent(token)}` : ""}`;
}

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

export function attach(context) {
  const voice = new Voice(context);
  voice.mount();
  if (window.hyperflow) window.hyperflow.voice = voice;
  return voice;
}

class Voice {
  constructor(context) {
    this.context = context;
    this.socket = null;
    this.audio = null; // { context, stream, node, source }
    this.mode = "off";
    this.undoStack = []; // { inverse: ChangeSet|null, selection }
    this.redoStack = [];
    this.pending = null; // a command waiting for "yes"
    this.sentText = null;
    this.sendTimer = null;
    this.log = []; // messages received, for the tests
    this.framesSent = 0;
  }

  get view() {
    return this.context.view;
  }

  // ------------------------------------------------------------------ the page
  mount() {
    document.head.appendChild(el("style", {}, STYLE));
    const button = el("button", { id: "voice-button", type: "button", "aria-pressed": "false",
      title: `Voice commands: start or stop listening (${SHORTCUT})` }, "🎤 Voice");
    button.addEventListener("click", () => this.toggle());
    const toolbar = document.querySelector(".toolbar");
    (toolbar || document.body).appendChild(button);
    this.button = button;

    const status = el("span", { id: "voice-mode", class: "hf-voice-mode", role: "status" }, MODE_WORDS.off);
    const bar = document.querySelector(".statusbar");
    (bar || document.body).insertBefore(status, bar ? bar.firstChild : null);
    this.modeLabel = status;

    const panel = el("section", { id: "voice-panel", class: "hf-voice", "aria-label": "Voice" });
    this.heardLine = el("p", { id: "voice-heard", class: "hf-voice-heard", "aria-live": "polite" }, "Heard: —");
    this.note = el("p", { id: "voice-note", class: "hf-voice-note", "aria-live": "polite" },
      `Press ${SHORTCUT} or the Voice button, then say a command, e.g. "go to line three".`);
    this.alternatives = el("ul", { id: "voice-alternatives", class: "hf-voice-alternatives" });
    panel.append(this.heardLine, this.note, this.alternatives);
    const parent = this.context.panels || document.querySelector("aside") || document.body;
    parent.prepend(panel);

    document.addEventListener("keydown", (event) => {
      if (event.altKey && !event.ctrlKey && event.key.toLowerCase() === "m") {
        event.preventDefault();
        this.toggle();
      } else if (this.pending && event.key === "Enter") {
        event.preventDefault();
        this.confirm();
      } else if (this.pending && event.key === "Escape") {
        event.preventDefault();
        this.dismiss("Dropped. Nothing was changed.");
      }
    }, true);
    this.watchEditor();
  }

  watchEditor() {
    // Later edits (typed or voice) move the voice undo records along with the text.
    const voice = this;
    const listener = EditorView.updateListener.of((update) => {
      if (update.docChanged) {
        for (const entry of voice.undoStack.concat(voice.redoStack)) {
          if (entry.inverse && !update.transactions.includes(entry.own)) {
            entry.inverse = entry.inverse.map(update.changes);
          }
        }
      }
      if (update.docChanged || update.selectionSet) voice.scheduleDocument();
    });
    // Added to the running editor, so main.js's setup stays as it is.
    this.view.dispatch({ effects: StateEffect.appendConfig.of(listener) });
  }

  setMode(mode) {
    this.mode = mode;
    this.modeLabel.textContent = MODE_WORDS[mode] || MODE_WORDS.off;
    this.button.setAttribute("aria-pressed", mode === "off" ? "false" : "true");
    this.button.textContent = mode === "off" ? "🎤 Voice" : "🎤 Stop";
  }

  say(text) {
    this.note.textContent = text;
    this.context.setStatus(text);
  }

  // ------------------------------------------------------------------ listening
  async toggle() {
    if (this.audio) this.stop();
    else await this.start();
  }

  async start() {
    if (!navigator.mediaDevices?.getUserMedia || !window.AudioWorkletNode) {
      this.say("This browser can't give hyperflow a microphone. Typing and the keyboard still work as usual.");
      return;
    }
    let stream;
    try {
      // No automatic gain or noise suppression: the recogniser handles level itself.
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
    } catch (error) {
      const refused = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
      this.say(refused
        ? "The microphone is switched off for this page. You can allow it in the browser's site settings, then press Voice again."
        : "No microphone was found. Plug one in (or choose one in the system settings), then press Voice again.");
      return;
    }
    let audioContext = new AudioContext();
    if (![16000, 44100, 48000].includes(audioContext.sampleRate)) {
      await audioContext.close();
      audioContext = new AudioContext({ sampleRate: 48000 });
    }
    try {
      await audioContext.audioWorklet.addModule("voice-worklet.js");
    } catch (error) {
      stream.getTracks().forEach((t) => t.stop());
      await audioContext.close();
      this.say("hyperflow couldn't start its audio helper, so voice is off. Reloading the page may help.");
      return;
    }
    const source = audioContext.createMediaStreamSource(stream);
    // Connected to the speakers (it outputs silence) because browsers only run nodes that lead there.
    const node = new AudioWorkletNode(audioContext, "hyperflow-pcm-capture", { numberOfInputs: 1, numberOfOutputs: 1 });
    node.connect(audioContext.destination);
    this.audio = { context: audioContext, stream, node, source };
    const socket = new WebSocket(voiceURL());
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.sentText = this.view.state.doc.toString();
      socket.send(JSON.stringify({
        type: "start", sample_rate: audioContext.sampleRate, encoding: "pcm16le",
        uri: this.context.uri, mode: "command", text: this.sentText, cursor: this.cursor(),
      }));
      node.port.onmessage = (event) => {
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(event.data);
          this.framesSent += 1;
        }
      };
      source.connect(node);
    });
    socket.addEventListener("message", (event) => this.receive(JSON.parse(event.data)));
    socket.addEventListener("close", () => {
      if (this.socket === socket) {
        this.release();
        this.say("Voice stopped: the connection to the HyperCode helper closed. Press Voice to start again.");
      }
    });
    this.say("Starting to listen…");
  }

  stop() {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: "stop" }));
    const socket = this.socket;
    this.socket = null;
    setTimeout(() => socket?.close(), 1500);
    this.release();
    this.say("Not listening. Press Voice or Alt+M to start again.");
  }

  release() {
    if (this.audio) {
      this.audio.stream.getTracks().forEach((t) => t.stop());
      this.audio.context.close();
      this.audio = null;
    }
    this.setMode("off");
  }

  cursor() {
    const head = this.view.state.selection.main.head;
    const line = this.view.state.doc.lineAt(head);
    return { line: line.number - 1, character: head - line.from };
  }

  scheduleDocument() {
    clearTimeout(this.sendTimer);
    this.sendTimer = setTimeout(() => this.sendDocument(), 120);
  }

  sendDocument() {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    const text = this.view.state.doc.toString();
    if (text !== this.sentText) {
      this.sentText = text;
      this.socket.send(JSON.stringify({ type: "document", text, cursor: this.cursor() }));
    } else {
      this.socket.send(JSON.stringify({ type: "cursor", cursor: this.cursor() }));
    }
  }

  // ------------------------------------------------------------------ server → page
  receive(message) {
    this.log.push(message);
    switch (message.type) {
      case "listening":
        this.setMode(message.mode);
        this.say(`Listening for ${message.mode === "spell" ? "letters" : message.mode === "dictation" ? "text" : "commands"}.`);
        break;
      case "partial":
        this.heardLine.textContent = `Hearing: ${message.text}…`;
        break;
      case "heard":
        this.heardLine.textContent = `Heard: ${message.text}`;
        this.lastHeard = message;
        this.showAlternatives(message.unsure ? message.alternatives : []);
        break;
      case "command":
        this.command(message);
        break;
      case "not_understood":
        this.say(`${message.message || "I didn't catch a command in that."} You can say: ${message.suggestions.join(" · ")}`);
        break;
      case "error":
        this.say(message.message);
        break;
      case "stopped":
        break;
    }
  }

  showAlternatives(alternatives) {
    this.alternatives.replaceChildren();
    for (const alternative of alternatives) {
      const item = el("li");
      const choose = el("button", { type: "button", class: "hf-small hf-secondary" }, alternative.text);
      choose.addEventListener("click", () => {
        this.pending = null;
        this.alternatives.replaceChildren();
        this.socket?.send(JSON.stringify({ type: "say", text: alternative.text }));
      });
      item.appendChild(choose);
      this.alternatives.appendChild(item);
    }
  }

  command(message) {
    const kind = message.action?.kind;
    if (kind === "confirm") return this.confirm();
    if (kind === "dismiss") return this.dismiss("Dropped. Nothing was changed.");
    if (this.lastHeard?.unsure && kind !== "mode" && kind !== "stop") {
      this.pending = message;
      this.say(`Did you say "${this.lastHeard.text}"? Enter or "yes" to go ahead; choose another below; Esc to drop it.`);
      return;
    }
    this.apply(message);
  }

  confirm() {
    const message = this.pending;
    this.pending = null;
    this.alternatives.replaceChildren();
    if (message) this.apply(message);
  }

  dismiss(text) {
    this.pending = null;
    this.alternatives.replaceChildren();
    this.say(text);
  }

  apply(message) {
    const view = this.view;
    const action = message.action || {};
    if (message.edit && view.state.doc.toString() !== this.sentText) {
      // The text changed after the server computed the edit: ask again on the current text.
      this.sendDocument();
      this.socket?.send(JSON.stringify({ type: "say", text: this.lastHeard?.text || "" }));
      return;
    }
    switch (action.kind) {
      case "undo":
        return this.undoVoice();
      case "redo":
        return this.redoVoice();
      case "mode":
        return; // "listening" follows
      case "stop":
        return this.stop();
      case "run":
        this.say(message.description);
        return window.hyperflow?.run();
      case "explain":
        this.say(message.description);
        return window.hyperflow?.explain(action.code);
      case "speak":
        this.speak(action.text);
        this.say(`Line: ${action.text}`);
        return;
      case "check":
        this.say(this.problemSummary());
        return;
    }
    const before = view.state;
    const spec = { scrollIntoView: true, userEvent: "input.voice", annotations: isolateHistory.of("full") };
    if (message.edit) {
      const edits = (message.edit.changes || {})[this.context.uri] || [];
      spec.changes = edits.map((e) => ({
        from: this.offset(before.doc, e.range.start), to: this.offset(before.doc, e.range.end), insert: e.newText,
      }));
    }
    if (action.kind === "move" || action.kind === "select") {
      const changes = ChangeSet.of(spec.changes || [], before.doc.length);
      const after = changes.apply(before.doc);
      const head = this.offset(after, action.position);
      const end = action.kind === "select" ? this.offset(after, action.end) : head;
      spec.selection = EditorSelection.single(head, end);
    }
    if (!spec.changes && !spec.selection) {
      this.say(message.description);
      return;
    }
    const tr = view.state.update(spec);
    this.undoStack.push({ inverse: spec.changes ? tr.changes.invert(before.doc) : null, selection: before.selection,
      description: message.description, own: tr });
    this.redoStack = [];
    view.dispatch(tr);
    view.focus();
    this.say(`${message.description}. Say "scratch that" to undo it.`);
  }

  offset(doc, position) {
    const line = doc.line(Math.min(Math.max(position.line + 1, 1), doc.lines));
    return Math.min(line.from + position.character, line.to);
  }

  undoVoice() {
    const entry = this.undoStack.pop();
    if (!entry) {
      this.say("There is no voice command to undo.");
      return;
    }
    const view = this.view;
    const before = view.state;
    const spec = { selection: entry.selection, scrollIntoView: true, userEvent: "undo.voice",
      annotations: isolateHistory.of("full") };
    if (entry.inverse) spec.changes = entry.inverse;
    const tr = view.state.update(spec);
    this.redoStack.push({ inverse: entry.inverse ? tr.changes.invert(before.doc) : null, selection: before.selection,
      description: entry.description, own: tr });
    view.dispatch(tr);
    this.say(`Undone: ${entry.description}.`);
  }

  redoVoice() {
    const entry = this.redoStack.pop();
    if (!entry) {
      this.say("There is nothing to redo.");
      return;
    }
    const before = this.view.state;
    const spec = { selection: entry.selection, userEvent: "redo.voice", annotations: isolateHistory.of("full") };
    if (entry.inverse) spec.changes = entry.inverse;
    const tr = before.update(spec);
    this.undoStack.push({ inverse: entry.inverse ? tr.changes.invert(before.doc) : null, selection: before.selection,
      description: entry.description, own: tr });
    this.view.dispatch(tr);
    this.say(`Redone: ${entry.description}.`);
  }

  problemSummary() {
    const problems = window.hyperflow?.problems || [];
    if (!problems.length) return "Checked: no problems found.";
    return `Checked: ${problems.length} problem${problems.length === 1 ? "" : "s"}. Say "next error" to go to the first.`;
  }

  speak(text) {
    if (!window.speechSynthesis) return;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }
}
