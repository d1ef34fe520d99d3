import assert from "node:assert/strict";
import { describe, test } from "node:test";

import * as msg from "../../src/core/messages";
import { RestartPolicy } from "../../src/core/restarts";

const everyMessage = (): string[] => [
  msg.serverMissing({ kind: "not-found", searched: [] }),
  msg.serverMissing({ kind: "setting-invalid", configured: "x", resolved: "/w/x" }),
  msg.serverDidNotStart,
  msg.serverStopped,
  msg.serverRestarted,
  msg.noServerForRun,
  msg.noServerForExplain,
  msg.openHcFileFirst,
  msg.nothingToExplain,
  msg.askCodePrompt,
  msg.askCodeInvalid,
  msg.runFailed("connection closed"),
  msg.explainFailed("HC1001", "timeout"),
  ...(["starting", "running", "stopped", "missing", "failed"] as const).map((s) => msg.statusFor(s).tooltip),
];

describe("wording", () => {
  test("the not-found message is the one the contract asks for", () => {
    assert.equal(
      msg.serverMissing({ kind: "not-found", searched: ["/a"] }),
      "HyperCode could not find its language server. Run `make run` in the HyperCode project, or set `hypercode.server.path`.",
    );
  });

  test("calm: no exclamation marks, no blame words, no shouting", () => {
    const blame = /\b(you (failed|forgot|broke)|wrong|invalid|illegal|fatal|oops|bad|must|crash(ed)?|abort(ed)?)\b/i;
    for (const m of everyMessage()) {
      assert.doesNotMatch(m, /!/, m);
      assert.doesNotMatch(m, blame, m);
      assert.doesNotMatch(m, /\b[A-Z]{5,}\b/, m);
    }
  });

  test("short: at most two sentences each", () => {
    for (const m of everyMessage()) {
      const sentences = m.split(/(?<=[.?])\s+(?=[A-Z“`])/).filter((s) => s.trim() !== "");
      assert.ok(sentences.length <= 2, `${sentences.length} sentences: ${m}`);
    }
  });

  test("problem messages say what to do next", () => {
    const next = /\b(run|set|use|open|check|clear|try|restart|click|choose|raise)\b/i;
    for (const m of [
      msg.serverMissing({ kind: "not-found", searched: [] }),
      msg.serverMissing({ kind: "setting-invalid", configured: "x", resolved: "/w/x" }),
      msg.serverDidNotStart,
      msg.serverStopped,
      msg.noServerForRun,
      msg.noServerForExplain,
      msg.openHcFileFirst,
      msg.runFailed("x"),
      msg.explainFailed("HC1001", "x"),
    ]) {
      assert.match(m, next, m);
    }
  });

  test("server details are flattened to one short line", () => {
    const m = msg.runFailed("line one\n   line two.\n");
    assert.equal(m, "The run request did not finish: line one line two. The server log may say more; you can try again.");
    assert.ok(msg.runFailed("x".repeat(1000)).length < 320);
  });
});

describe("restart policy", () => {
  test("restarts three times within the window, then stops", () => {
    let now = 0;
    const p = new RestartPolicy(3, 1000, () => now);
    assert.deepEqual([p.shouldRestart(), p.shouldRestart(), p.shouldRestart(), p.shouldRestart()], [true, true, true, false]);
    now = 1500;
    assert.equal(p.shouldRestart(), true, "old crashes expire");
  });

  test("a restart the person asked for starts the count again", () => {
    const p = new RestartPolicy(1, 1000, () => 0);
    assert.equal(p.shouldRestart(), true);
    assert.equal(p.shouldRestart(), false);
    p.reset();
    assert.equal(p.shouldRestart(), true);
  });
});
