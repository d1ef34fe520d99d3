// Drafts: the text being edited survives reloads, crashes and closed tabs, and two tabs never
// overwrite each other's work.
//
// Each tab has its own draft key (`hyperflow:draft:<tab id>`); the tab id lives in
// sessionStorage, so a reload keeps it and a new tab gets a new one. A new tab starts from the
// newest draft of any tab, so closing a tab and opening hyperflow again brings the work back.
// When another tab writes a newer draft of the same file, this tab is told (the `storage`
// event), so it can offer that version instead of silently diverging.

const PREFIX = "hyperflow:draft:";
const LEGACY_KEY = "hyperflow:draft"; // one shared draft, before drafts were per tab
const TAB_KEY = "hyperflow:tab";
const KEEP_DRAFTS = 20;
const SAVE_DELAY_MS = 400;

function readJSON(key) {
  try {
    return JSON.parse(localStorage.getItem(key));
  } catch {
    return null;
  }
}

function newTabId() {
  const random = globalThis.crypto?.randomUUID?.() || `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return random.slice(0, 13);
}

/** Every stored draft, newest first: [{key, tab, name, text, saved}]. */
function allDrafts() {
  const drafts = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key || !(key.startsWith(PREFIX) || key === LEGACY_KEY)) continue;
    const draft = readJSON(key);
    if (draft && typeof draft.text === "string") drafts.push({ saved: 0, ...draft, key, tab: key.slice(PREFIX.length) });
  }
  return drafts.sort((a, b) => b.saved - a.saved);
}

export class Drafts {
  /**
   * @param {{getText: () => string, getName: () => string,
   *          onNewerElsewhere: (draft: {name: string, text: string, saved: number}) => void}} hooks
   */
  constructor({ getText, getName, onNewerElsewhere }) {
    this.getText = getText;
    this.getName = getName;
    this.onNewerElsewhere = onNewerElsewhere;
    this.timer = null;
    this.tab = this.claimTabId();
    window.addEventListener("storage", (event) => this.onStorage(event));
    // Save at once when the page may go away: a reload or close right after typing loses nothing.
    window.addEventListener("pagehide", () => this.flush());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.flush();
    });
    this.listenForTwins();
  }

  get key() {
    return PREFIX + this.tab;
  }

  claimTabId() {
    let tab = null;
    try {
      tab = sessionStorage.getItem(TAB_KEY);
      if (!tab) {
        tab = newTabId();
        sessionStorage.setItem(TAB_KEY, tab);
      }
    } catch {
      tab = newTabId();
    }
    return tab;
  }

  /** "Duplicate tab" copies sessionStorage, so two tabs could share an id: the newcomer moves. */
  listenForTwins() {
    if (typeof BroadcastChannel !== "function") return;
    this.channel = new BroadcastChannel("hyperflow-tabs");
    this.channel.onmessage = ({ data }) => {
      if (data?.type === "hello" && data.tab === this.tab && data.nonce !== this.nonce) {
        this.channel.postMessage({ type: "taken", tab: this.tab, nonce: data.nonce });
      } else if (data?.type === "taken" && data.nonce === this.nonce) {
        const text = readJSON(this.key);
        this.tab = newTabId();
        try {
          sessionStorage.setItem(TAB_KEY, this.tab);
        } catch {
          // sessionStorage off: the id lives only in memory, which is still one per tab.
        }
        if (text) this.flush();
      }
    };
    this.nonce = newTabId();
    this.channel.postMessage({ type: "hello", tab: this.tab, nonce: this.nonce });
  }

  /** The draft this tab should start from: its own, else the newest of any tab. */
  initial() {
    const drafts = allDrafts();
    return drafts.find((d) => d.key === this.key) || drafts[0] || null;
  }

  /** A draft of the same file from another tab that is newer than `since`, if any. */
  newerElsewhere(name, since) {
    return allDrafts().find((d) => d.key !== this.key && d.name === name && d.saved > since) || null;
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  flush() {
    clearTimeout(this.timer);
    this.timer = null;
    const name = this.getName();
    const text = this.getText();
    const stored = readJSON(this.key);
    // `saved` is when the text last changed: leaving the page without edits keeps it, so
    // "newer" between tabs means newer work, not a later goodbye.
    if (stored && stored.name === name && stored.text === text) return true;
    try {
      localStorage.setItem(this.key, JSON.stringify({ name, text, saved: Date.now() }));
      this.prune();
      return true;
    } catch {
      return false;
    }
  }

  prune() {
    for (const old of allDrafts().slice(KEEP_DRAFTS)) localStorage.removeItem(old.key);
  }

  onStorage(event) {
    if (!event.key || !event.key.startsWith(PREFIX) || event.key === this.key || !event.newValue) return;
    let draft;
    try {
      draft = JSON.parse(event.newValue);
    } catch {
      return;
    }
    if (!draft || typeof draft.text !== "string") return;
    if (draft.name === this.getName() && draft.text !== this.getText()) this.onNewerElsewhere(draft);
  }
}
