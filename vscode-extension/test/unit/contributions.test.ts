import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";

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
