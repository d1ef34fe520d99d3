import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  AGENT_CANCEL,
  AGENT_REQUEST,
  AgentTasks,
  CLIENT_AGENT_COMMANDS,
  commandFor,
  normalizeResult,
  offerFor,
  offsetAt,
  progressMessage,
  progressTitle,
  proposedText,
  renderAnswer,
  requestFor,
} from "../../src/core/agents";

const range = (l1: number, c1: number, l2: number, c2: number) => ({
  start: { line: l1, character: c1 },
  end: { line: l2, character: c2 },
});
const URI = "file:///work/prog.hc";

describe("agent commands", () => {
  test("one command per kind, all run by the extension", () => {
    assert.equal(commandFor("fix"), "hypercode.agent.fix");
    assert.deepEqual(CLIENT_AGENT_COMMANDS, [
      "hypercode.agent.explain",
      "hypercode.agent.fix",
      "hypercode.agent.test",
      "hypercode.agent.review",
      "hypercode.agent.ask",
    ]);
  });

  test("code action arguments become the request", () => {
    const diagnostic = { code: "HC1001", range: { line: 2, col: 7, end_line: 2, end_col: 13 } };
    assert.deepEqual(requestFor("fix", [{ uri: URI, range: range(1, 6, 1, 12), diagnostic }]), {
      kind: "fix",
      uri: URI,
      range: range(1, 6, 1, 12),
      diagnostic,
    });
    assert.deepEqual(requestFor("review", [URI]), { kind: "review", uri: URI });
  });

  test("from the palette, the active editor fills in; nothing open means no request", () => {
    assert.deepEqual(requestFor("explain", [], { uri: URI, range: range(0, 0, 2, 0) }), {
      kind: "explain",
      uri: URI,
      range: range(0, 0, 2, 0),
    });
    assert.equal(requestFor("explain", []), undefined);
    assert.deepEqual(requestFor("ask", [{ uri: URI, question: "  " }]), { kind: "ask", uri: URI });
    assert.deepEqual(requestFor("ask", [{ uri: URI, range: { start: 1 } }]), { kind: "ask", uri: URI });
  });
});

describe("results", () => {
  test("normalised: only well-formed edits, files and findings survive", () => {
    const r = normalizeResult({
      taskId: "t1",
      markdown: "Fixed.",
      edits: [{ uri: URI, range: range(1, 6, 1, 12), new_text: "message" }, { uri: URI }],
      files: [{ path: "/work/test_prog.hc", text: "assert True\n" }, { path: 3 }],
      findings: [{ message: "f(0) stops", input: "f(0)" }, {}],
      agent: { role: "fixer", engine: "rules" },
    });
    assert.equal(r.edits.length, 1);
    assert.equal(r.files.length, 1);
    assert.equal(r.findings.length, 1);
    assert.equal(offerFor(r), "edit");
    assert.equal(offerFor(normalizeResult({ files: r.files })), "file");
    assert.equal(offerFor(normalizeResult(null)), "none");
  });

  test("the diff preview shows the file after the edits (UTF-16 positions)", () => {
    const text = "message = 'hi'\nprint(mesage)\n";
    const edits = [{ uri: URI, range: range(1, 6, 1, 12), new_text: "message" }];
    assert.equal(proposedText(text, edits, URI), "message = 'hi'\nprint(message)\n");
    const emoji = 'print("😀", naem)\n';
    assert.equal(offsetAt(emoji, { line: 0, character: 12 }), 12);
    assert.equal(
      proposedText(emoji, [{ uri: URI, range: range(0, 12, 0, 16), new_text: "name" }], URI),
      'print("😀", name)\n',
    );
    // Edits for another file never change this one.
    assert.equal(proposedText(text, [{ uri: "file:///etc/x", range: range(0, 0, 0, 1), new_text: "X" }], URI), text);
    // Two edits apply from the end so positions stay valid.
    assert.equal(
      proposedText("ab\ncd\n", [
        { uri: URI, range: range(0, 0, 0, 1), new_text: "A" },
        { uri: URI, range: range(1, 1, 1, 2), new_text: "D" },
      ], URI),
      "Ab\ncD\n",
    );
  });

  test("the answer document says who answered", () => {
    const doc = renderAnswer("test", normalizeResult({
      markdown: "I wrote test_prog.hc.",
      findings: [{ message: "average([]) stops with HC2005", input: "average([])" }],
      agent: { role: "tester", engine: "rules" },
    }));
    assert.match(doc, /^# HyperCode: Write tests/);
    assert.match(doc, /- average\(\[\]\) stops with HC2005/);
    assert.match(doc, /_Answered by the tester \(rules\)\._/);
  });
});

describe("progress words", () => {
  test("queued → which agent is working → done", () => {
    assert.equal(progressTitle("fix"), "HyperCode: Fix");
    assert.equal(progressMessage({ taskId: "t", state: "queued" }), "Queued");
    assert.equal(
      progressMessage({ taskId: "t", state: "working", agent: { role: "fixer" }, message: "checking fix 1 of 2" }),
      "The fixer is working: checking fix 1 of 2",
    );
    assert.equal(progressMessage({ taskId: "t", state: "done" }), "Done");
    assert.equal(progressMessage({ taskId: "t", state: "cancelled" }), "Cancelled");
  });
});

describe("AgentTasks", () => {
  const fakeServer = () => {
    const sent: Array<{ method: string; params: any }> = [];
    const tasks = new AgentTasks(async (method, params) => {
      sent.push({ method, params });
      return method === AGENT_REQUEST ? { taskId: "t1" } : { cancelled: true };
    });
    return { sent, tasks };
  };

  test("a request resolves with its result and reports progress on the way", async () => {
    const { sent, tasks } = fakeServer();
    const seen: string[] = [];
    const { taskId, done } = await tasks.start({ kind: "fix", uri: URI }, (p) => seen.push(p.state));
    assert.equal(taskId, "t1");
    assert.deepEqual(sent[0], { method: AGENT_REQUEST, params: { kind: "fix", uri: URI } });
    tasks.progress({ taskId: "t1", state: "working", agent: { role: "fixer" } });
    tasks.progress({ taskId: "other", state: "working" });
    tasks.result({ taskId: "t1", result: { markdown: "ok", edits: [], agent: { role: "fixer" } } });
    const result = await done;
    assert.equal(result?.markdown, "ok");
    assert.equal(result?.taskId, "t1");
    assert.deepEqual(seen, ["working"]);
    assert.equal(tasks.pending, 0);
  });

  test("notifications that arrive before the request's reply are not lost", async () => {
    let tasks!: AgentTasks;
    tasks = new AgentTasks(async () => {
      tasks.progress({ taskId: "t9", state: "queued" });
      tasks.result({ taskId: "t9", result: { markdown: "fast" } });
      return { taskId: "t9" };
    });
    const seen: string[] = [];
    const { done } = await tasks.start({ kind: "review", uri: URI }, (p) => seen.push(p.state));
    assert.equal((await done)?.markdown, "fast");
    assert.deepEqual(seen, ["queued"]);
  });

  test("cancel sends hypercode/agentCancel and a cancelled task resolves to nothing", async () => {
    const { sent, tasks } = fakeServer();
    const { taskId, done } = await tasks.start({ kind: "test", uri: URI }, () => undefined);
    await tasks.cancel(taskId);
    assert.deepEqual(sent[1], { method: AGENT_CANCEL, params: { taskId: "t1" } });
    tasks.progress({ taskId, state: "cancelled" });
    assert.equal(await done, undefined);
  });

  test("a failed task rejects with the server's words", async () => {
    const { tasks } = fakeServer();
    const { taskId, done } = await tasks.start({ kind: "explain", uri: URI }, () => undefined);
    tasks.progress({ taskId, state: "failed", message: "The request didn't finish: boom" });
    await assert.rejects(done, /boom/);
  });

  test("a server that doesn't accept the request is an error", async () => {
    const tasks = new AgentTasks(async () => ({}));
    await assert.rejects(tasks.start({ kind: "explain", uri: URI }, () => undefined), /didn't accept/);
  });
});
