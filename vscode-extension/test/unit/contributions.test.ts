import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { ACCEPT_COMMAND, AGENT_KINDS, CLIENT_AGENT_COMMANDS } from "../../src/core/agents";

// The declarative parts of the extension (language configuration, snippets, grammar file):
// VS Code reads them as JSON and compiles the patterns as JavaScript regular expressions.
const root = path.join(__dirname, "..", "..", "..");
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));

describe("language configuration", () => {
  const config = readJson("language-configuration.json");
  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);

  test("a line ending in ':' indents the next line", () => {
    for (const line of ["def greet(name):", "if x > 0:  # positive", "    for i in range(3):", "match command:", "    case [a, *rest]:", "try:", "else:"]) {
      assert.match(line, increase, line);
    }
    for (const line of ["x = 1", "print(f'{x:>5}')", "# if x:", "d = {'a': 1}"]) {
      assert.doesNotMatch(line, increase, line);
    }
  });

  test("else / elif / except / finally line up with their block", () => {
    for (const line of ["else:", "    elif x == 2:", "except ValueError as err:", "finally:"]) {
      assert.match(line, decrease, line);
    }
    assert.doesNotMatch("elsewhere = 1", decrease);
  });

  test("every pattern compiles as a JavaScript regular expression", () => {
    assert.doesNotThrow(() => new RegExp(config.wordPattern));
    for (const rule of config.onEnterRules) {
      assert.doesNotThrow(() => new RegExp(rule.beforeText));
      if (rule.afterText) assert.doesNotThrow(() => new RegExp(rule.afterText));
    }
    assert.equal(new RegExp(config.onEnterRules[1].beforeText).test("        return total"), true);
  });

  test("comments and brackets", () => {
    assert.equal(config.comments.lineComment, "#");
    assert.deepEqual(config.brackets, [["{", "}"], ["[", "]"], ["(", ")"]]);
    assert.equal(config.folding.offSide, true);
  });
});

describe("snippets", () => {
  const snippets = readJson("snippets/hypercode.code-snippets") as Record<string, { prefix: string; body: string[]; description: string }>;
  const byPrefix = new Map(Object.values(snippets).map((s) => [s.prefix, s]));

  test("def, if, for, while, match and try are there, with a description each", () => {
    for (const prefix of ["def", "if", "for", "while", "match", "try"]) {
      assert.ok(byPrefix.has(prefix), prefix);
    }
    for (const s of Object.values(snippets)) {
      assert.ok(s.description.length > 0);
    }
    assert.equal(byPrefix.size, Object.keys(snippets).length, "prefixes are unique");
  });

  test("bodies are indented with four spaces and headers end in ':'", () => {
    for (const s of Object.values(snippets)) {
      assert.match(s.body[0], /:$/, s.prefix);
      for (const line of s.body) {
        assert.doesNotMatch(line, /\t/, s.prefix);
        assert.equal((line.match(/^ */)![0].length) % 4, 0, `${s.prefix}: ${line}`);
      }
    }
  });
});

describe("grammar file", () => {
  const grammar = readJson("syntaxes/hypercode.tmLanguage.json");
  const pkg = readJson("package.json");

  test("scope name and language id agree with package.json", () => {
    assert.equal(grammar.scopeName, "source.hypercode");
    assert.deepEqual(pkg.contributes.grammars, [
      { language: "hypercode", scopeName: "source.hypercode", path: "./syntaxes/hypercode.tmLanguage.json" },
    ]);
  });

  test("every #include points at a repository rule", () => {
    const missing: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node !== null && typeof node === "object") {
        const o = node as Record<string, unknown>;
        if (typeof o.include === "string" && o.include.startsWith("#") && !(o.include.slice(1) in grammar.repository)) {
          missing.push(o.include);
        }
        Object.values(o).forEach(walk);
      }
    };
    walk(grammar);
    assert.deepEqual(missing, []);
  });
});

describe("agent commands in the palette", () => {
  const pkg = readJson("package.json");
  const commands = pkg.contributes.commands as { command: string; title: string; category?: string }[];
  const palette = pkg.contributes.menus.commandPalette as { command: string; when?: string }[];
  const byId = new Map(commands.map((c) => [c.command, c]));

  test("explain, fix, test, review and ask are contributed under HyperCode with a title each", () => {
    assert.deepEqual([...AGENT_KINDS].sort(), ["ask", "explain", "fix", "review", "test"]);
    for (const id of CLIENT_AGENT_COMMANDS) {
      const entry = byId.get(id);
      assert.ok(entry, `${id} is contributed`);
      assert.equal(entry.category, "HyperCode", id);
      assert.ok(entry.title.length > 0 && !/HyperCode/.test(entry.title), `${id}: the category already says HyperCode`);
    }
    assert.equal(new Set(commands.map((c) => c.title)).size, commands.length, "titles are unique in the palette");
  });

  test("they show in the palette only in a HyperCode editor; accepting an answer is not a palette entry", () => {
    for (const id of CLIENT_AGENT_COMMANDS) {
      const entries = palette.filter((p) => p.command === id);
      assert.equal(entries.length, 1, id);
      assert.equal(entries[0].when, "editorLangId == hypercode", id);
    }
    assert.equal(byId.has(ACCEPT_COMMAND), false, "accept needs an answer's id, so it is not offered on its own");
  });

  test("every palette entry names a contributed command", () => {
    for (const entry of palette) assert.ok(byId.has(entry.command), entry.command);
  });
});
