import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  buildRunParams,
  describeTarget,
  formatDiagnostic,
  formatDuration,
  formatRunResult,
  normalizeRunResult,
  startLine,
} from "../../src/core/run";

const uri = "file:///home/ada/hello.hc";
const range = (a: number, b: number, c: number, d: number) => ({
  start: { line: a, character: b },
  end: { line: c, character: d },
});

describe("hypercode/run params", () => {
  test("whole file with the time limit", () => {
    assert.deepEqual(buildRunParams({ uri, timeLimit: 30 }), { uri, timeout: 30 });
  });

  test("an empty selection runs the whole file", () => {
    assert.deepEqual(buildRunParams({ uri, selection: range(2, 4, 2, 4) }), { uri });
  });

  test("a selection is sent as an LSP range", () => {
    assert.deepEqual(buildRunParams({ uri, selection: range(2, 0, 4, 7), timeLimit: 5 }), {
      uri,
      range: range(2, 0, 4, 7),
      timeout: 5,
    });
  });

  test("a function name wins over the selection", () => {
    assert.deepEqual(buildRunParams({ uri, selection: range(0, 0, 1, 0), functionName: "greet" }), {
      uri,
      function: "greet",
    });
  });

  test("a nonsense time limit is left out", () => {
    assert.deepEqual(buildRunParams({ uri, timeLimit: 0 }), { uri });
    assert.deepEqual(buildRunParams({ uri, timeLimit: Number.NaN }), { uri });
  });
});

describe("run result", () => {
  test("normalises a partial or odd answer", () => {
    assert.deepEqual(normalizeRunResult({ stdout: "hi\n", exit_code: 0 }), {
      stdout: "hi\n",
      stderr: "",
      exit_code: 0,
      status: "success",
      duration: 0,
      diagnostics: [],
    });
    assert.equal(normalizeRunResult(null).status, "error");
    assert.equal(normalizeRunResult({ exit_code: 3, status: "timeout" }).status, "timeout");
  });

  test("durations read naturally", () => {
    assert.equal(formatDuration(0.0421), "0.042 s");
    assert.equal(formatDuration(1.5), "1.50 s");
    assert.equal(formatDuration(12.34), "12.3 s");
  });

  test("the heading names what runs", () => {
    assert.equal(startLine("hello.hc", { uri }), "── Running hello.hc ──");
    assert.equal(describeTarget("hello.hc", { uri, function: "greet" }), "greet() in hello.hc");
    assert.equal(describeTarget("hello.hc", { uri, range: range(2, 0, 4, 3) }), "lines 3–5 of hello.hc");
    assert.equal(describeTarget("hello.hc", { uri, range: range(2, 0, 4, 0) }), "lines 3–4 of hello.hc");
    assert.equal(describeTarget("hello.hc", { uri, range: range(6, 1, 6, 9) }), "line 7 of hello.hc");
  });

  test("output shows stdout, stderr, exit code and duration", () => {
    const lines = formatRunResult(
      normalizeRunResult({
        stdout: "Hello, Ada!\n2\n",
        stderr: "warning text\n",
        exit_code: 0,
        status: "success",
        duration: 0.25,
        diagnostics: [],
      }),
    );
    assert.deepEqual(lines, [
      "Hello, Ada!",
      "2",
      "",
      "stderr:",
      "warning text",
      "",
      "── Finished · exit code 0 · 0.25 s ──",
    ]);
  });

  test("an error run lists its messages and points to Explain", () => {
    const lines = formatRunResult(
      normalizeRunResult({
        stdout: "",
        stderr: "",
        exit_code: 1,
        status: "error",
        duration: 0.01,
        diagnostics: [{ code: "HC2003", message: "The list has 3 items, so index 5 is past the end.", range: [4, 7, 4, 12] }],
      }),
    );
    assert.deepEqual(lines, [
      "(the program printed nothing)",
      "",
      "1 message:",
      "  line 4, column 7 · HC2003: The list has 3 items, so index 5 is past the end.",
      "",
      "── Stopped with an error · exit code 1 · 0.010 s ──",
      "Tip: put the cursor on a message and use “HyperCode: Explain this error” to read more.",
    ]);
  });

  test("a timeout says what to change", () => {
    const lines = formatRunResult(normalizeRunResult({ status: "timeout", exit_code: 3, duration: 30.01 }), {
      timeLimit: 30,
    });
    assert.equal(lines.at(-2), "── Stopped at the time limit · exit code 3 · 30.0 s ──");
    assert.match(lines.at(-1)!, /raise hypercode\.run\.timeLimit/);
  });

  test("diagnostic ranges in every shape", () => {
    assert.equal(formatDiagnostic({ code: "HC1001", message: "m", range: { line: 2, col: 5, end_line: 2, end_col: 8 } }), "line 2, column 5 · HC1001: m");
    assert.equal(formatDiagnostic({ code: "HC1001", message: "m", range: range(1, 4, 1, 6) }), "line 2, column 5 · HC1001: m");
    assert.equal(formatDiagnostic({ message: "just text" }), "just text");
  });
});
