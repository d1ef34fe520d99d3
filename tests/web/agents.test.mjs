// hyperflow's agent panel in a real browser against the real language server (AGENTS.md §1):
// Fix on a marked problem → progress (queued → the fixer is working → done) → the edit shown as a
// diff → Accept applies it → one Ctrl+Z gives back the text exactly as it was. Also: Explain of
// the function at the cursor renders the answer, the Problems panel's agent entries land here,
// Cancel stops a request, and the panel has no serious accessibility problems (contrast theme too).

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  openHyperflow, waitTextOf, shot, setTextAndWait, docText, cursorAt, axeSerious, MOD,
} from "./harness.mjs";

let hyperflow;
let browser;
let page;

const TYPO = 'message = "Hello"\nprint(mesage)\n';
const FUNCTION = "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\nprint(fib(10))\n";

function agentStatus() {
  return page.locator("#agent-status").textContent();
}

function waitAgentStatus(re, timeout = 30000) {
  return waitTextOf(page, "agent-status", re, timeout);
}

describe("agent panel", { timeout: 240000 }, () => {
  before(async () => {
    hyperflow = await openHyperflow();
    ({ browser, page } = hyperflow);
  });

  after(() => hyperflow?.close());

  test("Fix: progress, a diff, Accept as one undo step", async () => {
    const problems = await setTextAndWait(page, TYPO);
    assert.ok(problems.some((p) => p.severity === "error"), `expected a problem, got ${JSON.stringify(problems)}`);
    await page.evaluate(() => { window.hyperflow.agents.log = []; });
    await cursorAt(page, "mesage", 2);
    await page.keyboard.press("Control+Alt+f");
    await waitAgentStatus(/^Done\./);
    const log = await page.evaluate(() => window.hyperflow.agents.log);
    assert.equal(log[0], "queued", `progress starts queued: ${log}`);
    assert.ok(log.includes("working"), `progress says who is working: ${log}`);
    assert.match(await agentStatus(), /fixer/);

    const diff = await page.locator("#agent-answer .hf-agent-diff").textContent();
    assert.match(diff, /- print\(mesage\)/);
    assert.match(diff, /\+ print\(message\)/);
    assert.equal(await docText(page), TYPO, "nothing changes before Accept");
    assert.equal(await page.evaluate(() => document.activeElement.id), "agent-accept", "Accept has the focus");
    await shot(page, "agents-fix-diff");

    await page.keyboard.press("Enter");
    await waitAgentStatus(/^Applied\./);
    assert.equal(await docText(page), 'message = "Hello"\nprint(message)\n');
    await page.keyboard.press(`${MOD}+z`);
    assert.equal(await docText(page), TYPO, "one Ctrl+Z undoes the whole change");
    await page.keyboard.press(`${MOD}+y`); // redo brings the whole change back, too
    assert.equal(await docText(page), 'message = "Hello"\nprint(message)\n');
  });

  test("Accept refuses an answer about text that has changed since", async () => {
    await setTextAndWait(page, TYPO);
    await cursorAt(page, "mesage", 1);
    await page.locator("#agent-fix").click();
    await waitAgentStatus(/^Done\./);
    await cursorAt(page, "Hello", 0);
    await page.keyboard.type("Oh ");
    await page.locator("#agent-accept").click();
    await waitAgentStatus(/changed after this answer/);
    assert.equal(await docText(page), 'message = "Oh Hello"\nprint(mesage)\n');
  });

  test("Explain the function at the cursor renders the answer; Fix with no problem says so", async () => {
    await setTextAndWait(page, FUNCTION);
    await cursorAt(page, "n < 2", 0);
    await page.locator("#agent-explain").click();
    await waitAgentStatus(/^Done\./);
    const answer = await page.locator("#agent-answer").textContent();
    assert.match(answer, /fib/);
    assert.match(answer, /n/);
    assert.equal(await page.locator("#agent-accept").isVisible(), false, "an explanation has nothing to accept");

    await page.locator("#agent-fix").click();
    await waitAgentStatus(/no marked problem here/);
  });

  test("Write tests shows the new test file", async () => {
    await setTextAndWait(page, FUNCTION);
    await cursorAt(page, "return n", 0);
    await page.keyboard.press("Control+Alt+w");
    await waitAgentStatus(/^Done\./, 60000);
    const file = await page.locator("#agent-answer .hf-agent-file").textContent();
    assert.match(file, /test_/);
    assert.match(file, /assert fib\(/);
  });

  test("the Problems panel's agent entries answer in this panel", async () => {
    await setTextAndWait(page, TYPO);
    await page.waitForFunction(() => window.hyperflow.problems.some((p) => p.actions.includes("Fix with HyperCode")),
      null, { timeout: 15000 });
    await page.locator("#agent-dismiss").click().catch(() => {});
    await page.getByRole("button", { name: "Fix with HyperCode" }).first().click();
    await waitAgentStatus(/^Done\./);
    assert.match(await page.locator("#agent-answer .hf-agent-diff").textContent(), /\+ print\(message\)/);
  });

  test("Cancel stops a request calmly", async () => {
    // Tests for a function that never ends take the tester a while: time enough to cancel.
    const spin = "def spin(n):\n    while True:\n        n = n + 1\n    return n\n";
    await setTextAndWait(page, spin);
    await cursorAt(page, "n = n", 0);
    await page.locator("#agent-test").click();
    await waitAgentStatus(/tester is working/);
    await page.locator("#agent-cancel").click();
    await waitAgentStatus(/^Cancelled\. Nothing was changed\./);
    // A late answer for the cancelled request does not replace the message.
    await page.waitForTimeout(1500);
    assert.match(await agentStatus(), /^Cancelled/);
    assert.equal(await page.locator("#agent-answer").textContent(), "");
    assert.equal(await docText(page), spin);
  });

  test("no serious accessibility problems, in the contrast theme too", async () => {
    await setTextAndWait(page, TYPO);
    await cursorAt(page, "mesage", 2);
    await page.locator("#agent-fix").click();
    await waitAgentStatus(/^Done\./);
    assert.deepEqual(await axeSerious(page), []);
    const keys = await page.locator("#help-dialog table.keys").textContent();
    assert.match(keys, /Ctrl\+Alt\+F\s*Ask HyperCode for a checked fix/, "the Keys dialog lists the shortcuts");
    await page.evaluate(() => { document.documentElement.dataset.theme = "contrast"; });
    assert.deepEqual(await axeSerious(page), []);
    await shot(page, "agents-contrast");
    assert.deepEqual(browser.problems, []);
  });
});
