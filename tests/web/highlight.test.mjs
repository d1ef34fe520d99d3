// The HyperCode tokenizer, line by line, without a browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(join(ROOT, "editor_web/package.json"));
const { StringStream } = await import(pathToFileURL(require.resolve("@codemirror/language")).href);
const { hypercodeStream } = await import(pathToFileURL(join(ROOT, "editor_web/web/hypercode-lang.js")).href);

function tokens(lines) {
  const state = hypercodeStream.startState();
  return lines.map((line) => {
    if (line === "") {
      hypercodeStream.blankLine(state);
      return [];
    }
    const stream = new StringStream(line, 4, 4);
    const out = [];
    while (!stream.eol()) {
      stream.start = stream.pos;
      const style = hypercodeStream.token(stream, state);
      const text = line.slice(stream.start, stream.pos);
      if (style) out.push(`${text}:${style}`);
    }
    return out;
  });
}

test("keywords, def names, built-ins, numbers and comments", () => {
  assert.deepEqual(tokens(["def area(w, h=2.5):  # size", "    return abs(w) * 1_000 if True else None"]), [
    ["def:keyword", "area:def", "(:bracket", "w:variable", ",:punctuation", "h:variable", "=:operator",
      "2.5:number", "):bracket", "::punctuation", "# size:comment"],
    ["return:keyword", "abs:builtin", "(:bracket", "w:variable", "):bracket", "*:operator", "1_000:number",
      "if:keyword", "True:atom", "else:keyword", "None:atom"],
  ]);
});

test("f-strings highlight their {expressions} and format specs", () => {
  assert.deepEqual(tokens(['print(f"Hi {name.upper()}! {{x}} {n:>5}")']), [
    ["print:builtin", "(:bracket", 'f"Hi :string-2', "{:brace", "name:variable", ".:punctuation",
      "upper:variableName.function", "(:bracket", "):bracket", "}:brace", "! {{x}} :string-2", "{:brace",
      "n:variable", ":>5:string-2", "}:brace", '":string-2', "):bracket"],
  ]);
});

test("triple-quoted strings span lines; one-line strings end with the line", () => {
  assert.deepEqual(tokens(['x = """one', "two", 'three""" + "ok"', "'open", "y"]), [
    ["x:variable", "=:operator", '"""one:string'],
    ["two:string"],
    ['three""":string', "+:operator", '"ok":string'],
    ["'open:string"],
    ["y:variable"],
  ]);
});

test("misspelled names are plain names, not keywords", () => {
  assert.deepEqual(tokens(["retrun mesage"]), [["retrun:variable", "mesage:variable"]]);
});
