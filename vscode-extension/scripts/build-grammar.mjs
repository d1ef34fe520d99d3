// Generates syntaxes/hypercode.tmLanguage.json. The regexes are easier to read here (String.raw,
// one place per token class of the language reference) than as escaped JSON.
//   node scripts/build-grammar.mjs           write the JSON
//   node scripts/build-grammar.mjs --check   exit 1 if the JSON is out of date
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const r = String.raw;
const OUT = fileURLToPath(new URL("../syntaxes/hypercode.tmLanguage.json", import.meta.url));

// ── word lists: generated from hypercode_lang/language/ ─────────────────────
// `python -m hypercode_lang.language.export` writes syntaxes/language-facts.json, so the
// grammar knows exactly the keywords, built-ins, methods and error kinds the checker and VM do.
const FACTS = JSON.parse(readFileSync(new URL("../syntaxes/language-facts.json", import.meta.url), "utf8"));
// `match` and `case` are soft keywords here: the grammar colours them only at a block header.
const SOFT_KEYWORDS = ["match", "case"];
const FLOW = FACTS.controlKeywords.filter((w) => !SOFT_KEYWORDS.includes(w));
const BUILTINS = FACTS.builtinFunctions;
const METHODS = FACTS.methodNames;
const MATH_FUNCS = FACTS.mathFunctions;
const MATH_CONSTS = FACTS.mathConstants;
const ERROR_KINDS = FACTS.errorKinds;

const words = (list) => list.join("|");
const IDENT = r`[[:alpha:]_][[:word:]]*`;
const DIGITS = r`\d(?:_?\d)*`;
const EXP = r`[eE][+-]?${DIGITS}`;

// ── strings ─────────────────────────────────────────────────────────────────
// Four quote kinds × four prefixes (none, r, f, rf). Single-line kinds end at the end of
// the line when the closing quote is missing (HC0004), so one slip does not colour the file.
const QUOTES = [
  { q: '"""', kind: "triple", multi: true },
  { q: "'''", kind: "triple", multi: true },
  { q: '"', kind: "double", multi: false },
  { q: "'", kind: "single", multi: false },
];

function stringEnd(q, multi) {
  return multi ? `(${q})` : r`(${q})|(?<!\\)$`;
}

/** Where an interpolation (or a bracket inside it) gives up: the outer closing quote, or the line end. */
function stopAt(q, multi) {
  return multi ? `(?=${q})` : `(?=${q})|$`;
}

function strings() {
  const out = [];
  for (const { q, kind, multi } of QUOTES) {
    const id = `${kind}${q.length === 3 ? (q[0] === '"' ? "-dq" : "-sq") : ""}`;
    // f-strings (with or without r)
    out.push({
      name: `string.interpolated.hypercode`,
      begin: r`\b([rR]?[fF]|[fF][rR])(${q})`,
      beginCaptures: {
        1: { name: "storage.type.string.hypercode" },
        2: { name: "punctuation.definition.string.begin.hypercode" },
      },
      end: stringEnd(q, multi),
      endCaptures: { 1: { name: "punctuation.definition.string.end.hypercode" } },
      patterns: [{ include: "#fstring-brace-escape" }, { include: "#escape" }, { include: `#fstring-interpolation-${id}` }],
    });
    // raw strings: backslashes are literal
    out.push({
      name: `string.quoted.raw.${kind}.hypercode`,
      begin: r`\b([rR])(${q})`,
      beginCaptures: {
        1: { name: "storage.type.string.hypercode" },
        2: { name: "punctuation.definition.string.begin.hypercode" },
      },
      end: stringEnd(q, multi),
      endCaptures: { 1: { name: "punctuation.definition.string.end.hypercode" } },
      patterns: [{ match: r`\\.` }],
    });
    // plain strings
    out.push({
      name: `string.quoted.${kind}.hypercode`,
      begin: `(${q})`,
      beginCaptures: { 1: { name: "punctuation.definition.string.begin.hypercode" } },
      end: stringEnd(q, multi),
      endCaptures: { 1: { name: "punctuation.definition.string.end.hypercode" } },
      patterns: [{ include: "#escape" }],
    });
  }
  return out;
}

function interpolations() {
  const repo = {};
  for (const { q, kind, multi } of QUOTES) {
    const id = `${kind}${q.length === 3 ? (q[0] === '"' ? "-dq" : "-sq") : ""}`;
    const stop = stopAt(q, multi);
    repo[`fstring-interpolation-${id}`] = {
      name: "meta.interpolation.hypercode",
      contentName: "meta.embedded.line.hypercode",
      begin: r`(\{)`,
      beginCaptures: { 1: { name: "punctuation.section.interpolation.begin.hypercode" } },
      end: r`(\})|${stop}`,
      endCaptures: { 1: { name: "punctuation.section.interpolation.end.hypercode" } },
      patterns: [
        { include: `#fstring-brackets-${id}` },
        {
          // `!r` / `!s` / `!a` just before the format spec or the closing brace
          match: r`(![rsa])(?=\s*[:}])`,
          name: "storage.type.format.conversion.hypercode",
        },
        {
          // a top-level `:` starts the format spec (`{x:.2f}`, `{n:>5}`, `{x:{width}}`)
          name: "meta.format-spec.hypercode",
          begin: "(:)",
          beginCaptures: { 1: { name: "punctuation.separator.format-spec.hypercode" } },
          end: r`(?=\})|${stop}`,
          patterns: [
            { include: `#fstring-interpolation-${id}` },
            { match: r`[^{}"'\n]+`, name: "storage.type.format.hypercode" },
          ],
        },
        { include: "#expression" },
      ],
    };
    // Brackets inside an interpolation, so that `{d[1:2]}` and `{ {'a': 1}['a'] }` keep their `:`.
    repo[`fstring-brackets-${id}`] = {
      patterns: [
        ["(", ")", "punctuation.parenthesis"],
        ["[", "]", "punctuation.section.brackets"],
        ["{", "}", "punctuation.section.braces"],
      ].map(([open, close, scope]) => ({
        begin: `(\\${open})`,
        beginCaptures: { 1: { name: `${scope}.begin.hypercode` } },
        end: `(\\${close})|${stop}`,
        endCaptures: { 1: { name: `${scope}.end.hypercode` } },
        patterns: [{ include: `#fstring-brackets-${id}` }, { include: "#expression" }],
      })),
    };
  }
  return repo;
}

const grammar = {
  $schema: "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
  name: "HyperCode",
  scopeName: "source.hypercode",
  fileTypes: ["hc"],
  patterns: [{ include: "#statement" }],
  repository: {
    statement: {
      patterns: [
        { include: "#comment" },
        { include: "#soft-keywords" },
        { include: "#function-definition" },
        { include: "#import" },
        { include: "#expression" },
      ],
    },

    comment: {
      name: "comment.line.number-sign.hypercode",
      match: r`(#).*$`,
      captures: { 1: { name: "punctuation.definition.comment.hypercode" } },
    },

    // `match` and `case` are keywords only at the start of a block header (`match x:`,
    // `case [a, *rest] if a > 0:`); elsewhere they are ordinary names (`match = 3`).
    "soft-keywords": {
      match: r`^\s*\b(match|case)(?=\s+(?![=:.,)\]}]|[-+*/%]=|(?:and|or|if|in|else)\b)[^#\n]*:\s*(?:#.*)?$)`,
      captures: { 1: { name: "keyword.control.flow.hypercode" } },
    },

    "function-definition": {
      patterns: [
        {
          name: "meta.function.hypercode",
          begin: r`\b(def)\s+(${IDENT})\s*(\()`,
          beginCaptures: {
            1: { name: "storage.type.function.hypercode" },
            2: { name: "entity.name.function.hypercode" },
            3: { name: "punctuation.definition.parameters.begin.hypercode" },
          },
          end: r`(\))|(?=:\s*(?:#.*)?$)`,
          endCaptures: { 1: { name: "punctuation.definition.parameters.end.hypercode" } },
          patterns: [
            { include: "#comment" },
            {
              // a default value runs to the next top-level `,` or `)`
              begin: "(=)",
              beginCaptures: { 1: { name: "keyword.operator.assignment.hypercode" } },
              end: r`(?=[,)])|(?=:\s*(?:#.*)?$)`,
              patterns: [{ include: "#brackets" }, { include: "#expression" }],
            },
            { match: IDENT, name: "variable.parameter.function.hypercode" },
            { match: ",", name: "punctuation.separator.parameters.hypercode" },
          ],
        },
        {
          // `def name` still being typed
          match: r`\b(def)\b(?:\s+(${IDENT}))?`,
          captures: {
            1: { name: "storage.type.function.hypercode" },
            2: { name: "entity.name.function.hypercode" },
          },
        },
      ],
    },

    import: {
      match: r`\b(import)\b(?:\s+(${IDENT}))?`,
      captures: {
        1: { name: "keyword.control.import.hypercode" },
        2: { name: "entity.name.namespace.hypercode" },
      },
    },

    expression: {
      patterns: [
        { include: "#string" },
        { include: "#number" },
        { include: "#constant" },
        { include: "#keyword" },
        { include: "#error-kind" },
        { include: "#math" },
        { include: "#builtin-function" },
        { include: "#member" },
        { include: "#function-call" },
        { include: "#operator" },
        { include: "#punctuation" },
        { include: "#line-continuation" },
      ],
    },

    // Brackets as nested regions (used where a `,` or `:` inside them must not end the outer
    // region: parameter defaults).
    brackets: {
      patterns: [
        ["(", ")", "punctuation.parenthesis"],
        ["[", "]", "punctuation.section.brackets"],
        ["{", "}", "punctuation.section.braces"],
      ].map(([open, close, scope]) => ({
        begin: `(\\${open})`,
        beginCaptures: { 1: { name: `${scope}.begin.hypercode` } },
        end: `(\\${close})`,
        endCaptures: { 1: { name: `${scope}.end.hypercode` } },
        patterns: [{ include: "#comment" }, { include: "#brackets" }, { include: "#expression" }],
      })),
    },

    string: { patterns: strings() },

    escape: {
      name: "constant.character.escape.hypercode",
      match: r`\\(?:[\\'"abfnrtv0\n]|[0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\n]+\})`,
    },

    "fstring-brace-escape": {
      name: "constant.character.escape.brace.hypercode",
      match: r`\{\{|\}\}`,
    },

    ...interpolations(),

    number: {
      patterns: [
        { name: "constant.numeric.hex.hypercode", match: r`\b0[xX](?:_?[0-9a-fA-F])+\b` },
        { name: "constant.numeric.octal.hypercode", match: r`\b0[oO](?:_?[0-7])+\b` },
        { name: "constant.numeric.binary.hypercode", match: r`\b0[bB](?:_?[01])+\b` },
        {
          name: "constant.numeric.float.hypercode",
          match: r`(?<![\w.])(?:${DIGITS}\.(?:${DIGITS})?(?:${EXP})?|\.${DIGITS}(?:${EXP})?|${DIGITS}${EXP})(?!\w)`,
        },
        { name: "constant.numeric.integer.hypercode", match: r`(?<![\w.])${DIGITS}(?!\w)` },
      ],
    },

    constant: {
      name: "constant.language.hypercode",
      match: r`\b(?:True|False|None)\b`,
    },

    keyword: {
      patterns: [
        { name: "keyword.control.flow.hypercode", match: r`\b(?:${words(FLOW)})\b` },
        { name: "keyword.control.import.hypercode", match: r`\bimport\b` },
        { name: "keyword.control.as.hypercode", match: r`\bas\b` },
        { name: "keyword.operator.in.hypercode", match: r`\b(?:not\s+in|in)\b` },
        { name: "keyword.operator.logical.hypercode", match: r`\b(?:and|or|not)\b` },
        { name: "storage.type.function.hypercode", match: r`\bdef\b` },
      ],
    },

    "error-kind": {
      name: "support.type.exception.hypercode",
      match: r`(?<!\.)\b(?:${words(ERROR_KINDS)})\b`,
    },

    math: {
      match: r`(?<!\.)\b(math)\b(?:\s*(\.)\s*(?:(${words(MATH_FUNCS)})|(${words(MATH_CONSTS)}))\b)?`,
      captures: {
        1: { name: "entity.name.namespace.hypercode" },
        2: { name: "punctuation.accessor.hypercode" },
        3: { name: "support.function.math.hypercode" },
        4: { name: "support.constant.math.hypercode" },
      },
    },

    "builtin-function": {
      name: "support.function.builtin.hypercode",
      match: r`(?<!\.)\b(?:${words(BUILTINS)})\b`,
    },

    member: {
      patterns: [
        {
          match: r`(\.)\s*(${words(METHODS)})\b`,
          captures: {
            1: { name: "punctuation.accessor.hypercode" },
            2: { name: "support.function.builtin.method.hypercode" },
          },
        },
        {
          match: r`(\.)\s*(${IDENT})(?=\s*\()`,
          captures: {
            1: { name: "punctuation.accessor.hypercode" },
            2: { name: "entity.name.function.call.hypercode" },
          },
        },
        {
          match: r`(\.)\s*(${IDENT})`,
          captures: {
            1: { name: "punctuation.accessor.hypercode" },
            2: { name: "variable.other.member.hypercode" },
          },
        },
      ],
    },

    "function-call": {
      match: r`\b(${IDENT})(?=\s*\()`,
      captures: { 1: { name: "entity.name.function.call.hypercode" } },
    },

    operator: {
      patterns: [
        // `*rest` in a sequence pattern or a call: unpacking, not multiplication
        { name: "keyword.operator.unpacking.hypercode", match: r`(?<=[\[(,]|[\[(,] )\*(?=[[:alpha:]_])` },
        { name: "keyword.operator.assignment.augmented.hypercode", match: r`\*\*=|//=|\+=|-=|\*=|/=|%=` },
        { name: "keyword.operator.comparison.hypercode", match: r`==|!=|<=|>=|<|>` },
        { name: "keyword.operator.assignment.hypercode", match: "=" },
        { name: "keyword.operator.arithmetic.hypercode", match: r`\*\*|//|[-+*/%]` },
        { name: "keyword.operator.pattern.alternative.hypercode", match: r`\|` },
      ],
    },

    punctuation: {
      patterns: [
        { name: "punctuation.separator.element.hypercode", match: "," },
        { name: "punctuation.separator.colon.hypercode", match: ":" },
        { name: "punctuation.terminator.statement.hypercode", match: ";" },
        { name: "punctuation.accessor.hypercode", match: r`\.` },
        { name: "punctuation.parenthesis.begin.hypercode", match: r`\(` },
        { name: "punctuation.parenthesis.end.hypercode", match: r`\)` },
        { name: "punctuation.section.brackets.begin.hypercode", match: r`\[` },
        { name: "punctuation.section.brackets.end.hypercode", match: r`\]` },
        { name: "punctuation.section.braces.begin.hypercode", match: r`\{` },
        { name: "punctuation.section.braces.end.hypercode", match: r`\}` },
      ],
    },

    "line-continuation": {
      name: "punctuation.separator.continuation.line.hypercode",
      match: r`\\$`,
    },
  },
};

const text = JSON.stringify(grammar, null, 2) + "\n";
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(OUT, "utf8");
  } catch {
    // missing counts as out of date
  }
  if (current !== text) {
    console.error("syntaxes/hypercode.tmLanguage.json is out of date: run `node scripts/build-grammar.mjs`.");
    process.exit(1);
  }
  console.log("grammar: syntaxes/hypercode.tmLanguage.json is up to date");
} else {
  writeFileSync(OUT, text);
  console.log(`grammar: wrote ${OUT}`);
}
