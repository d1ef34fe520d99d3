// Shared harness for hyperflow's browser tests: a real `hypercode-web` on a loopback port,
// Debian's Chromium driven by playwright-core, and helpers that type as a person does.
// Most tests need only `openHyperflow()` in before() and its `close()` in after().
//
// HYPERCODE_WEB: the hypercode-web executable (default ../../.venv/bin/hypercode-web)
// CHROMIUM: the browser (default /usr/bin/chromium; never downloaded)

import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(join(ROOT, "editor_web/package.json"));
const { chromium } = require("playwright-core");

export const ARTIFACTS = join(ROOT, "test-artifacts/web");
const WEB = process.env.HYPERCODE_WEB || join(ROOT, ".venv/bin/hypercode-web");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
export const MOD = "Control";

/** Start hypercode-web on a free port; resolves {child, url} (url includes ?token= when given). */
export function startServer(extraArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(WEB, ["--port", "0", ...extraArgs], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL"); // not left running behind a failed before()
      reject(new Error(`hypercode-web did not start:\n${out}\n${err}`));
    }, 30000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\/(?:\?token=[\w-]+)?/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0] });
      }
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hypercode-web exited with ${code}:\n${out}\n${err}`));
    });
  });
}

/** Stop a child we started and wait until it is gone. */
export function stopServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGINT");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  });
}

/**
 * A browser with its own profile. `args` are Chromium flags added to the usual headless ones
 * (the voice test's fake microphone); `viewport` is the window's size. `problems` collects, from
 * every tab, console errors (this includes the page's content-security refusals, which Chromium
 * logs there), page errors and unhandled promise rejections.
 */
export async function openBrowser({ args = [], viewport = { width: 1280, height: 800 } } = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  const profileDir = await mkdtemp(join(tmpdir(), "hyperflow-profile-"));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, ...args],
    viewport,
    reducedMotion: "reduce",
  });
  const problems = [];
  const watch = (page) => {
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message || String(error)}`));
  };
  // Name the reason of an unhandled rejection (a plain object shows only as "Object").
  await context.addInitScript(() => {
    window.addEventListener("unhandledrejection", (event) => {
      setTimeout(() => {
        if (!event.defaultPrevented) console.error(`unhandled rejection: ${JSON.stringify(event.reason) || String(event.reason)}`);
      }, 0);
    });
  });
  context.on("page", watch);
  for (const page of context.pages()) watch(page);
  const page = context.pages()[0] || (await context.newPage());
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}

/**
 * The before() of a browser test: a fresh hypercode-web (started with `serverArgs`), a browser
 * (with the extra Chromium `browserArgs`, and `viewport` if given) on its page with empty
 * localStorage, connected to the language server unless `waitConnected: false` (for a test that
 * checks the connecting itself).
 * Resolves { server, url, browser, page, problems, close() }: `server` is the child process,
 * `url` includes the token, `browser` is what openBrowser() gives (context, page, problems), and
 * close() ends browser and server (the after()). If set-up fails half-way, what started is ended.
 */
export async function openHyperflow({
  serverArgs = [], browserArgs = [], viewport, waitConnected: connect = true,
} = {}) {
  const { child: server, url } = await startServer(serverArgs);
  let browser;
  try {
    browser = await openBrowser({ args: browserArgs, viewport });
    const { page } = browser;
    await page.goto(url);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    if (connect) await waitConnected(page);
  } catch (error) {
    await browser?.close();
    await stopServer(server);
    throw error;
  }
  return {
    server,
    url,
    browser,
    page: browser.page,
    problems: browser.problems,
    async close() {
      try {
        await browser.close();
      } finally {
        await stopServer(server);
      }
    },
  };
}

export async function waitConnected(page, timeout = 20000) {
  await page.waitForSelector(".cm-content");
  await page.waitForFunction(() => document.getElementById("connection").dataset.state === "on", null, { timeout });
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

export function docText(page) {
  return page.evaluate(() => window.hyperflow.view.state.doc.toString());
}

/** Set the text and wait for the server's diagnostics for exactly that text. */
export async function setTextAndWait(page, text) {
  const before = await page.evaluate(() => window.hyperflow.publishes);
  await page.evaluate((t) => window.hyperflow.setText(t), text);
  await page.waitForFunction((n) => window.hyperflow.publishes > n, before, { timeout: 15000 });
  return page.evaluate(() => window.hyperflow.problems);
}

/** Empty the editor with the keyboard (select all, delete). */
export async function clearEditor(page) {
  await page.locator(".cm-content").click();
  await page.keyboard.press(`${MOD}+a`);
  await page.keyboard.press("Delete");
}

/** Wait until the element with this id says something matching `re`; resolves its text. */
export async function waitTextOf(page, id, re, timeout = 10000) {
  await page.waitForFunction(
    ([elementId, source]) => new RegExp(source).test(document.getElementById(elementId).textContent),
    [id, re.source],
    { timeout },
  );
  return page.locator(`#${id}`).textContent();
}

/** Wait until the status line (and so the screen-reader region) says something matching `re`. */
export function waitStatus(page, re, timeout = 10000) {
  return waitTextOf(page, "status-message", re, timeout);
}

/** Put the cursor at the first occurrence of `needle` (+ offset). */
export async function cursorAt(page, needle, offset = 0) {
  await page.evaluate(
    ([n, o]) => {
      const view = window.hyperflow.view;
      const pos = view.state.doc.toString().indexOf(n) + o;
      view.dispatch({ selection: { anchor: pos } });
      view.focus();
    },
    [needle, offset],
  );
}

/** Start sequential focus navigation from the top of the page: the next Tab reaches the first stop. */
export async function focusPageTop(page) {
  await page.evaluate(() => {
    document.body.setAttribute("tabindex", "-1");
    document.body.focus();
    document.body.removeAttribute("tabindex");
  });
}

/**
 * Serious or critical axe-core violations on the page as it is now. With a `label`, every
 * violation (minor ones too) is also saved as test-artifacts/web/axe-<label>.json.
 */
export async function axeSerious(page, label) {
  await page.evaluate(await readFile(require.resolve("axe-core/axe.min.js"), "utf8"));
  const violations = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ["violations"] }).then((r) =>
      r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }))));
  if (label) await writeFile(join(ARTIFACTS, `axe-${label}.json`), JSON.stringify(violations, null, 2));
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
