import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  choicesForCursor,
  codeFromPath,
  codeOf,
  explainPath,
  normalizeCode,
  normalizeExplanation,
  renderExplanation,
  type SimpleDiagnostic,
} from "../../src/core/explain";

const diag = (code: unknown, line: number, a: number, b: number, message = `msg ${String(code)}`): SimpleDiagnostic => ({
  code,
  message,
  range: { start: { line, character: a }, end: { line, character: b } },
});

describe("codes", () => {
  test("normalised from what people and servers send", () => {
    assert.equal(normalizeCode("HC1001"), "HC1001");
    assert.equal(normalizeCode(" hc0002 "), "HC0002");
    assert.equal(normalizeCode("2003"), "HC2003");
    assert.equal(normalizeCode(7), "HC0007");
    assert.equal(normalizeCode("HC12"), undefined);
    assert.equal(normalizeCode(undefined), undefined);
  });

  test("LSP diagnostic codes may be objects", () => {
    assert.equal(codeOf({ value: "HC1003", target: "https://x" }), "HC1003");
    assert.equal(codeOf("E501"), undefined);
  });

  test("virtual document path round trip", () => {
    assert.equal(explainPath("HC1001"), "HC1001.md");
    assert.equal(codeFromPath("HC1001.md"), "HC1001");
    assert.equal(codeFromPath("/hc1001.md"), "HC1001");
    assert.equal(codeFromPath("notes.md"), undefined);
  });

  test("explanation markdown", () => {
    const e = normalizeExplanation({ title: "Unknown name", explanation: "A name must be defined first.\n" }, "HC1001");
    assert.equal(renderExplanation(e), "# HC1001: Unknown name\n\nA name must be defined first.\n");
    assert.match(renderExplanation(normalizeExplanation(null, "HC9999")), /^# HC9999\n\n/);
    const own = normalizeExplanation({ title: "Unknown name", explanation: "## HC1001 · Unknown name\n\nWhy.\n" }, "HC1001");
    assert.equal(renderExplanation(own), "## HC1001 · Unknown name\n\nWhy.\n", "the server's own heading is not doubled");
  });
});

describe("Explain this error: what to offer", () => {
  const file = [diag("HC1002", 8, 4, 9), diag("HC1001", 2, 6, 13), diag("HC1001", 5, 0, 3), diag("E999", 3, 0, 5)];

  test("one message under the cursor", () => {
    assert.deepEqual(choicesForCursor(file, { line: 2, character: 8 }), {
      atCursor: true,
      choices: [{ code: "HC1001", message: "msg HC1001", line: 2 }],
    });
  });

  test("the cursor just after the last character still counts", () => {
    assert.equal(choicesForCursor(file, { line: 2, character: 13 }).atCursor, true);
    assert.equal(choicesForCursor(file, { line: 2, character: 14 }).atCursor, false);
  });

  test("elsewhere: every code in the file once, in file order, foreign codes left out", () => {
    assert.deepEqual(choicesForCursor(file, { line: 0, character: 0 }), {
      atCursor: false,
      choices: [
        { code: "HC1001", message: "msg HC1001", line: 2 },
        { code: "HC1002", message: "msg HC1002", line: 8 },
      ],
    });
  });

  test("two different messages under the cursor are both offered", () => {
    const both = [diag("HC2001", 1, 0, 10), diag("HC1001", 1, 4, 6)];
    const r = choicesForCursor(both, { line: 1, character: 5 });
    assert.equal(r.atCursor, true);
    assert.deepEqual(r.choices.map((c) => c.code), ["HC2001", "HC1001"]);
  });

  test("multi-line ranges", () => {
    const multi: SimpleDiagnostic = { code: "HC0003", message: "m", range: { start: { line: 1, character: 8 }, end: { line: 3, character: 1 } } };
    assert.equal(choicesForCursor([multi], { line: 2, character: 0 }).atCursor, true);
    assert.equal(choicesForCursor([multi], { line: 1, character: 2 }).atCursor, false);
  });

  test("no messages at all", () => {
    assert.deepEqual(choicesForCursor([], { line: 0, character: 0 }), { atCursor: false, choices: [] });
  });
});
