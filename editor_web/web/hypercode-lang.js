// HyperCode syntax highlighting: a small stream tokenizer (no grammar needed).
// Keywords, strings (incl. f-strings with their {expressions}), numbers,
// comments, built-ins, and the names that `def` introduces.
import { StreamLanguage, HighlightStyle, syntaxHighlighting, indentUnit } from "@codemirror/language";
import { countColumn } from "@codemirror/state";
import { tags as t } from "@lezer/highlight";
import * as FACTS from "./language-facts.js";

/**
 * The text of the nearest non-blank line above the one being indented. Goes through the
 * IndentContext, which knows about the line break being inserted (Enter at the end of
 * `if x > 0:` indents from that line, the one just finished, not from the line before it).
 */
function previousCodeLine(cx) {
  let from = cx.lineAt(cx.pos, 1).from;
  while (from > 0) {
    const line = cx.lineAt(from - 1, -1);
    if (line.text.trim() !== "") return line.text;
    from = line.from;
  }
  return null;
}

// Generated from hypercode_lang/language/ (python -m hypercode_lang.language.export).
export const KEYWORDS = new Set(FACTS.KEYWORDS);
const ATOMS = new Set(FACTS.CONSTANTS);
export const BUILTINS = new Set([...FACTS.BUILTIN_FUNCTIONS, "math", ...FACTS.ERROR_KINDS]);

const IDENT = /^[\p{L}_][\p{L}\p{N}_]*/u;
const NUMBER = /^(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?j?)/;
const OPERATOR = /^(?:\*\*=?|\/\/=?|[-+*/%<>!=]=?|->)/;

// State: a stack of open string contexts. A context is
// {quote, triple, f, expr: depth|null}; when `expr` is a number we are
// inside an f-string's {expression} and tokenize code until its `}`.
function startState() {
  return { stack: [], afterDef: false };
}

function copyState(s) {
  return { stack: s.stack.map((c) => ({ ...c })), afterDef: s.afterDef };
}

function top(state) {
  return state.stack.length ? state.stack[state.stack.length - 1] : null;
}

function stringBody(stream, state, ctx) {
  // Inside a string's text (not an f-expression). Returns the token style.
  const style = ctx.f ? "string-2" : "string";
  while (!stream.eol()) {
    if (stream.match(ctx.triple ? ctx.quote.repeat(3) : ctx.quote)) {
      state.stack.pop();
      return style;
    }
    const ch = stream.peek();
    if (ch === "\\") {
      stream.next();
      stream.next();
      continue;
    }
    if (ctx.f && ch === "{") {
      if (stream.match("{{")) continue;
      if (stream.pos > stream.start) return style; // end the text token before the brace
      stream.next();
      ctx.expr = 0;
      return "brace";
    }
    if (ctx.f && stream.match("}}")) continue;
    stream.next();
  }
  if (!ctx.triple) state.stack.pop(); // a one-line string ends with the line
  return style;
}

function code(stream, state) {
  const ctx = top(state);
  if (stream.eatSpace()) return null;
  const ch = stream.peek();

  if (ch === "#") {
    stream.skipToEnd();
    return "comment";
  }

  // f-string expression boundaries
  if (ctx && ctx.expr !== null && ctx.expr !== undefined) {
    if (ch === "}" && ctx.expr === 0) {
      stream.next();
      ctx.expr = null;
      return "brace";
    }
    if (ch === ":" && ctx.expr === 0) {
      // format spec: up to the closing brace
      stream.next();
      while (!stream.eol() && stream.peek() !== "}") stream.next();
      return "string-2";
    }
    if (ch === "{" || ch === "[" || ch === "(") ctx.expr++;
    if ((ch === "}" || ch === "]" || ch === ")") && ctx.expr > 0) ctx.expr--;
  }

  // strings, with optional prefixes
  const m = stream.match(/^([fFrRbBuU]{0,2})("""|'''|"|')/, false);
  if (m && (m[1] === "" || /^[fFrR]{1,2}$/.test(m[1]))) {
    stream.match(m[0]);
    const quote = m[2][0];
    state.stack.push({ quote, triple: m[2].length === 3, f: /[fF]/.test(m[1]), expr: null });
    state.afterDef = false;
    return stringBody(stream, state, top(state)) || (top(state) && top(state).f ? "string-2" : "string");
  }

  if (stream.match(NUMBER)) return "number";

  const word = stream.match(IDENT);
  if (word) {
    const name = word[0];
    if (state.afterDef) {
      state.afterDef = false;
      return "def";
    }
    if (ATOMS.has(name)) return "atom";
    if (KEYWORDS.has(name)) {
      if (name === "def") state.afterDef = true;
      return "keyword";
    }
    if (BUILTINS.has(name)) return "builtin";
    // the name before `(` in a call reads better a little highlighted
    if (stream.match(/^\s*\(/, false)) return "variableName.function";
    return "variable";
  }

  if (stream.match(OPERATOR)) return "operator";
  stream.next();
  if ("()[]{}".includes(ch)) return "bracket";
  if (ch === ":" || ch === "," || ch === ".") return "punctuation";
  return null;
}

export const hypercodeStream = {
  name: "hypercode",
  startState,
  copyState,
  token(stream, state) {
    const ctx = top(state);
    if (ctx && (ctx.expr === null || ctx.expr === undefined)) return stringBody(stream, state, ctx);
    return code(stream, state);
  },
  blankLine(state) {
    // a one-line string or f-expression never spans lines
    while (top(state) && !top(state).triple) state.stack.pop();
  },
  indent(state, textAfter, cx) {
    // Python-style: one level deeper after a line ending in `:`, one level
    // shallower after return/pass/break/continue/raise or before else/elif/except/finally.
    if (top(state) && top(state).triple) return null;
    const previous = previousCodeLine(cx);
    if (!previous) return 0;
    let indent = countColumn(/^\s*/.exec(previous)[0], cx.state.tabSize);
    const text = previous.replace(/#.*$/, "").trimEnd();
    if (text.endsWith(":")) indent += cx.unit;
    else if (/^\s*(return|pass|break|continue|raise)\b/.test(text)) indent -= cx.unit;
    if (/^(else|elif|except|finally)\b/.test(textAfter)) indent -= cx.unit;
    return Math.max(0, indent);
  },
  languageData: {
    commentTokens: { line: "#" },
    closeBrackets: { brackets: ["(", "[", "{", "'", '"'] },
    indentOnInput: /^\s*(?:else:|elif\b|except\b|finally:|case\b)$/,
  },
  tokenTable: {
    brace: t.special(t.brace),
    "variableName.function": t.function(t.variableName),
  },
};

export const hypercodeLanguage = StreamLanguage.define(hypercodeStream);

// Colours come from CSS variables so every theme (calm, dark, high contrast)
// restyles code without rebuilding the editor.
export const hypercodeHighlight = HighlightStyle.define([
  { tag: t.keyword, color: "var(--hl-keyword)", fontWeight: "600" },
  { tag: t.atom, color: "var(--hl-atom)" },
  { tag: t.number, color: "var(--hl-number)" },
  { tag: t.string, color: "var(--hl-string)" },
  { tag: t.special(t.string), color: "var(--hl-fstring)" },
  { tag: t.special(t.brace), color: "var(--hl-keyword)", fontWeight: "600" },
  { tag: t.comment, color: "var(--hl-comment)", fontStyle: "italic" },
  { tag: t.definition(t.variableName), color: "var(--hl-def)", fontWeight: "600" },
  { tag: t.standard(t.variableName), color: "var(--hl-builtin)" },
  { tag: t.function(t.variableName), color: "var(--hl-call)" },
  { tag: t.operator, color: "var(--hl-operator)" },
]);

export function hypercode() {
  return [hypercodeLanguage, syntaxHighlighting(hypercodeHighlight), indentUnit.of("    ")];
}
