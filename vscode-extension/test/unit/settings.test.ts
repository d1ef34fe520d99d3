import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";

import { configurationFor, DEFAULTS, KEYS, lookup, needsRestart, normalizeSettings, readSettings } from "../../src/core/settings";

describe("settings mapping", () => {
  test("nothing set gives the defaults in the server's shape", () => {
    assert.deepEqual(readSettings(() => undefined), {
      server: { path: "" },
      diagnostics: { style: "friendly", maxPerFile: 100 },
      hints: { enabled: true },
      run: { timeLimit: 30 },
    });
  });

  test("dotted keys map to the nested shape", () => {
    const values: Record<string, unknown> = {
      "server.path": "/opt/hypercode-lsp",
      "diagnostics.style": "plain",
      "diagnostics.maxPerFile": 20,
      "hints.enabled": false,
      "run.timeLimit": 2.5,
    };
    assert.deepEqual(readSettings((k) => values[k]), {
      server: { path: "/opt/hypercode-lsp" },
      diagnostics: { style: "plain", maxPerFile: 20 },
      hints: { enabled: false },
      run: { timeLimit: 2.5 },
    });
  });

  test("bad values fall back to the defaults, one by one", () => {
    const values: Record<string, unknown> = {
      "server.path": 42,
      "diagnostics.style": "shouty",
      "diagnostics.maxPerFile": -3,
      "hints.enabled": "yes",
      "run.timeLimit": Number.NaN,
    };
    assert.deepEqual(readSettings((k) => values[k]), DEFAULTS);
  });

  test("numbers written as strings are accepted; maxPerFile is a whole number", () => {
    const values: Record<string, unknown> = { "diagnostics.maxPerFile": "12.7", "run.timeLimit": "5" };
    const s = readSettings((k) => values[k]);
    assert.equal(s.diagnostics.maxPerFile, 12);
    assert.equal(s.run.timeLimit, 5);
  });

  test("a nested object (workspace/configuration answer) is normalised", () => {
    const raw = { diagnostics: { style: "plain" }, run: { timeLimit: 10 }, extra: true };
    assert.deepEqual(normalizeSettings(raw), {
      server: { path: "" },
      diagnostics: { style: "plain", maxPerFile: 100 },
      hints: { enabled: true },
      run: { timeLimit: 10 },
    });
    assert.deepEqual(normalizeSettings(null), DEFAULTS);
  });

  test("lookup walks dotted paths", () => {
    assert.equal(lookup({ a: { b: 1 } }, "a.b"), 1);
    assert.equal(lookup({ a: 1 }, "a.b"), undefined);
  });
});

describe("workspace/configuration answers", () => {
  const s = readSettings(() => undefined);

  test("section hypercode is the whole object", () => {
    assert.deepEqual(configurationFor("hypercode", s), s);
  });

  test("sub-sections and leaves", () => {
    assert.deepEqual(configurationFor("hypercode.diagnostics", s), { style: "friendly", maxPerFile: 100 });
    assert.equal(configurationFor("hypercode.run.timeLimit", s), 30);
    assert.equal(configurationFor("hypercode.nothing", s), null);
  });

  test("other sections are left to the editor", () => {
    assert.equal(configurationFor("editor", s), undefined);
    assert.equal(configurationFor("hypercodex", s), undefined);
    assert.equal(configurationFor(undefined, s), undefined);
  });

  test("only a new server path restarts the server", () => {
    assert.equal(needsRestart((sec) => sec === "hypercode.server.path"), true);
    assert.equal(needsRestart((sec) => sec === "hypercode.diagnostics.style"), false);
  });
});

describe("package.json agrees with the code", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8"));
  const props = pkg.contributes.configuration.properties as Record<string, { default: unknown; enum?: string[] }>;

  test("every setting is contributed, with the same default", () => {
    // The voice settings are the extension's own (core/voice.ts, checked in voice.test.ts).
    const serverKeys = Object.keys(props).filter((k) => !k.startsWith("hypercode.voice."));
    assert.deepEqual(serverKeys.sort(), KEYS.map((k) => `hypercode.${k}`).sort());
    for (const key of KEYS) {
      assert.deepEqual(props[`hypercode.${key}`].default, lookup(DEFAULTS, key), key);
    }
    assert.deepEqual(props["hypercode.diagnostics.style"].enum, ["friendly", "plain"]);
  });

  test("every command the server or the palette uses is contributed", () => {
    const ids = (pkg.contributes.commands as { command: string }[]).map((c) => c.command).sort();
    assert.deepEqual(ids, [
      "hypercode.agent.ask",
      "hypercode.agent.explain",
      "hypercode.agent.fix",
      "hypercode.agent.review",
      "hypercode.agent.test",
      "hypercode.explain",
      "hypercode.explainError",
      "hypercode.restartServer",
      "hypercode.runFile",
      "hypercode.runFunction",
      "hypercode.voice.start",
      "hypercode.voice.stop",
    ]);
  });

  test("language id and file extension", () => {
    const lang = pkg.contributes.languages[0];
    assert.equal(lang.id, "hypercode");
    assert.deepEqual(lang.extensions, [".hc"]);
  });
});
