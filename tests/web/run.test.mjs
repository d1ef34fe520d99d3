// Interactive Run in hyperflow, in a real browser against the real server (RUN_PROTOCOL.md):
// Stop (button, Esc, Ctrl+.), Run while running says so, the last run's error is cleared,
// output streams in, input() asks at the end of the output, closing the tab ends the run, and
// with the server gone Run fails at once with a clear message.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  openHyperflow, waitTextOf, stopServer, waitConnected, shot, setTextAndWait, axeSerious, MOD,
} from "./harness.mjs";

let hyperflow;
let server;
let baseURL;
let browser;
let page;

function outputStatus() {
  return page.locator("#output-status").textContent();
}

function waitOutputStatus(re, timeout = 20000) {
  return waitTextOf(page, "output-status", re, timeout);
}

/** Every process below `pid` (the runs a server started live there). */
function descendants(pid) {
  const rows = execFileSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" })
    .trim().split("\n").map((line) => line.trim().split(/\s+/).map(Number));
  const found = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift();
    for (const [child, ppid] of rows) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

async function waitFor(predicate, timeout, what) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("interactive Run", { timeout: 240000 }, () => {
  before(async () => {
    hyperflow = await openHyperflow();
    ({ server, url: baseURL, browser, page } = hyperflow);
  });

  after(() => hyperflow?.close());

  test("a run that never ends is stopped with Esc; Run while running says so", async () => {
    // The previous run's error must not linger under "Running…".
    await setTextAndWait(page, 'print("before")\nprint(1 / 0)\n');
    await page.locator(".cm-content").click();
    await page.keyboard.press(`${MOD}+Enter`);
    await waitOutputStatus(/exit code 1/);
    assert.equal(await page.locator("#stderr-block").isVisible(), true);

    await setTextAndWait(page, "while True:\n    pass\n");
    await page.locator(".cm-content").click();
    await page.keyboard.press(`${MOD}+Enter`);
    await waitOutputStatus(/Running/);
    assert.equal(await page.locator("#stderr-block").isVisible(), false, "the old error is cleared");
    assert.equal(await page.locator("#run-diagnostics").isVisible(), false);
    assert.equal(await page.locator("#stop").isVisible(), true, "a Stop button is offered");

    assert.ok(await page.evaluate(() => window.hyperflow.running), "still running");
    await page.keyboard.press(`${MOD}+Enter`);
    assert.match(await outputStatus(), /already running/);
    assert.match(await page.locator("#status-message").textContent(), /already running.*Stop/);
    await shot(page, "run-01-running");

    const started = Date.now();
    await page.keyboard.press("Escape");
    const status = await waitOutputStatus(/Stopped by you/, 10000);
    assert.ok(Date.now() - started < 8000, "Esc stops it well before the time limit");
    assert.match(status, /exit code 130/);
    assert.equal(await page.locator("#stop").isVisible(), false);
    await shot(page, "run-02-stopped");
  });

  // The VM flushes buffered print() output at its periodic clock check, so a program that prints
  // and then loops shows its output while it runs.
  test("output appears while the program is still running", async () => {
    await setTextAndWait(page, 'print("start")\nwhile True:\n    pass\n');
    await page.locator("#run").click();
    await waitOutputStatus(/Running/);
    await page.waitForFunction(() => document.getElementById("stdout").textContent === "start\n", null, { timeout: 8000 });
    assert.ok(await page.evaluate(() => window.hyperflow.running), "the program is still running");
    await page.locator("#stop").click();
    await waitOutputStatus(/Stopped by you/, 10000);
    assert.equal(await page.locator("#stdout").textContent(), "start\n");
  });

  test("the Stop button and Ctrl+. stop a run too", async () => {
    await setTextAndWait(page, "while True:\n    pass\n");
    await page.locator("#run").click();
    await waitOutputStatus(/Running/);
    await page.locator("#stop").click();
    await waitOutputStatus(/Stopped by you/, 10000);

    await page.locator(".cm-content").click();
    await page.keyboard.press(`${MOD}+Enter`);
    await waitOutputStatus(/Running/);
    await page.keyboard.press(`${MOD}+.`);
    await waitOutputStatus(/Stopped by you/, 10000);
  });

  test("input() asks at the end of the output, like a terminal", async () => {
    await setTextAndWait(page, 'name = input("Your name? ")\nage = input("Age? ")\nprint(f"Hello, {name} ({age})!")\n');
    await page.locator(".cm-content").click();
    await page.keyboard.press(`${MOD}+Enter`);
    const field = page.locator("#run-input");
    await field.waitFor({ state: "visible", timeout: 15000 });
    assert.match(await page.locator("#run-input-prompt").textContent(), /Your name\?/);
    assert.equal(await page.evaluate(() => document.activeElement.id), "run-input", "the field has the focus");
    await shot(page, "run-03-input");
    assert.deepEqual(await axeSerious(page), [], "the input field and Stop button pass axe");
    await page.keyboard.type("Ada", { delay: 20 });
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => /Age\?/.test(document.getElementById("run-input-prompt").textContent)
      && !document.getElementById("run-input-form").hidden, null, { timeout: 15000 });
    await page.keyboard.type("36", { delay: 20 });
    await page.keyboard.press("Enter");
    const status = await waitOutputStatus(/exit code/);
    assert.match(status, /Finished · exit code 0/);
    assert.equal(await page.locator("#stdout").textContent(), "Your name? Ada\nAge? 36\nHello, Ada (36)!\n");
    assert.equal(await field.isVisible(), false);
    await shot(page, "run-04-input-done");
  });

  test("Ctrl+D ends the input: input() then reports the end of input", async () => {
    await setTextAndWait(page, 'line = input("Say something: ")\nprint(line)\n');
    await page.locator(".cm-content").click();
    await page.keyboard.press(`${MOD}+Enter`);
    await page.locator("#run-input").waitFor({ state: "visible", timeout: 15000 });
    await page.keyboard.press("Control+d");
    const status = await waitOutputStatus(/exit code/);
    assert.match(status, /exit code 1/);
    assert.ok((await page.locator("#stderr").textContent()).length > 0);
  });

  test("closing the tab ends its run", async () => {
    const other = await browser.context.newPage();
    await other.goto(baseURL);
    await waitConnected(other);
    const before = descendants(server.pid).length;
    await other.evaluate(() => window.hyperflow.setText("while True:\n    pass\n"));
    await other.locator("#run").click();
    await other.waitForFunction(() => /Running/.test(document.getElementById("output-status").textContent));
    await waitFor(() => descendants(server.pid).length > before, 15000, "the run's process to start");
    await other.close();
    await waitFor(() => descendants(server.pid).length <= before, 15000, "the run's process to end");
  });

  test("the pages logged no errors", () => {
    assert.deepEqual(browser.problems, []);
  });

  test("with the server gone, Problems says so and Run fails at once", async () => {
    await stopServer(server);
    await page.waitForFunction(() => document.getElementById("connection").dataset.state === "off", null, { timeout: 10000 });
    assert.equal(await page.locator("#connection").textContent(), "Not connected to the HyperCode helper — retrying.");
    assert.match(await page.locator("#problems-list").textContent(), /Not connected to the HyperCode helper — retrying/);
    assert.doesNotMatch(await page.locator("#problems-list").textContent(), /No problems/);
    await page.locator(".cm-content").click();
    const started = Date.now();
    await page.keyboard.press(`${MOD}+Enter`);
    const status = await waitOutputStatus(/could not start/, 3000);
    assert.ok(Date.now() - started < 3000);
    assert.match(status, /Not connected to the HyperCode helper/);
    assert.equal(await page.evaluate(() => window.hyperflow.running), null);
    await shot(page, "run-05-server-down");
  });
});
