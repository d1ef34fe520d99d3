// Prints the scopes the grammar gives each token of a file: handy when writing grammar tests.
//   node scripts/show-tokens.mjs path/to/file.hc
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
await oniguruma.loadWASM(wasm);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async () =>
    vsctm.parseRawGrammar(readFileSync(new URL("../syntaxes/hypercode.tmLanguage.json", import.meta.url), "utf8"), "x.json"),
});
const grammar = await registry.loadGrammar("source.hypercode");
let state = vsctm.INITIAL;
for (const line of readFileSync(process.argv[2], "utf8").split("\n")) {
  const { tokens, ruleStack } = grammar.tokenizeLine(line, state);
  state = ruleStack;
  console.log(line);
  for (const t of tokens) {
    const text = line.slice(t.startIndex, t.endIndex);
    if (text.trim() === "") continue;
    console.log(`  ${String(t.startIndex).padStart(3)} ${JSON.stringify(text).padEnd(24)} ${t.scopes.slice(1).join(" ")}`);
  }
}
