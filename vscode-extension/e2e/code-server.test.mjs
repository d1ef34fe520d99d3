// The extension inside a real VS Code: code-server (Code-OSS) with the packaged .vsix installed,
// driven by Debian's Chromium through playwright-core. One file with one mistake must show one
// squiggle and one problem (not two: the server must not both push and answer pulls), the hover,
// the quick fix, Run and Explain.
//
// Run with `make test-vscode-e2e` at the top level: it installs code-server once into a cache
// folder outside the repository (e2e/setup-code-server.sh) and builds the .vsix first.
// CODE_SERVER: the code-server executable · NODE24: its Node · HYPERCODE_LSP: the language server ·
// VSIX: the package · CHROMIUM: the browser (never downloaded).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(join(ROOT, "editor_web/package.json"));
const { chromium } = require("playwright-core");

const CODE_SERVER = process.env.CODE_SERVER;
const NODE24 = process.env.NODE24;
const LSP = process.env.HYPERCODE_LSP || join(ROOT, ".venv/bin/hypercode-lsp");
const VSIX = process.env.VSIX;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test-artifacts/vscode");
const SOURCE = 'message = "hello from HyperCode"\nprint(mesage)\n';

let dir;
let codeServer;
let browser;
let page;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer at ${url}`);
}

async function command(title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${title}`);
  // Click the row itself: other commands may rank above it in the fuzzy match.
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor();
  await row.click();
}

async function problemCount() {
  // The status bar's problems item: its accessible label reads e.g. "Errors: 1, Warnings: 0".
  const item = page.locator('[id="status.problems"]').first();
  const label = `${await item.getAttribute("aria-label")} ${await item.innerText()}`;
  if (/No Problems/i.test(label)) return 0;
  const errors = /Errors?:\s*(\d+)|(\d+)\s+errors?/i.exec(label);
  assert.ok(errors, `unexpected problems label: ${label}`);
  return Number(errors[1] ?? errors[2]);
}

async function shot(name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

before(async () => {
  assert.ok(CODE_SERVER && NODE24 && VSIX, "run through `make test-vscode-e2e`");
  dir = await mkdtemp(join(tmpdir(), "hypercode-code-server-"));
  const home = join(dir, "home");
  const userData = join(dir, "user-data");
  const extensions = join(dir, "extensions");
  const workspace = join(dir, "workspace");
  for (const folder of [home, userData, extensions, workspace, join(userData, "User"), join(userData, "Machine")]) {
    await mkdir(folder, { recursive: true });
  }
  await writeFile(join(workspace, "mistake.hc"), SOURCE);
  // The server path is machine-overridable: code-server reads it from the Machine settings.
  await writeFile(join(userData, "Machine", "settings.json"), JSON.stringify({ "hypercode.server.path": LSP }));
  await writeFile(join(userData, "User", "settings.json"), JSON.stringify({
    "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "extensions.autoUpdate": false,
    "extensions.autoCheckUpdates": false,
    "workbench.tips.enabled": false,
    "update.mode": "none",
  }));
  const env = {
    ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_DATA_HOME: join(home, ".local/share"),
    XDG_CACHE_HOME: join(home, ".cache"), PATH: `${NODE24}:${process.env.PATH}`,
  };
  const common = ["--user-data-dir", userData, "--extensions-dir", extensions];
  execFileSync(CODE_SERVER, [...common, "--install-extension", VSIX], { env, stdio: "pipe" });
  const port = await freePort();
  codeServer = spawn(CODE_SERVER, [
    ...common, "--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--disable-telemetry",
    "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override", workspace,
  ], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });  // its own process group: killed whole
  codeServer.stdout.resume();
  codeServer.stderr.resume();
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60000);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: "domcontentloaded", timeout: 120000 });
  page.setDefaultTimeout(60000);
  await page.locator(".monaco-workbench").waitFor({ timeout: 120000 });
  await command("Go to File");
  await page.keyboard.type("mistake.hc");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "mistake.hc" }).first().waitFor();
  await page.keyboard.press("Enter");
  await page.locator(".monaco-editor .view-lines", { hasText: "mesage" }).waitFor();
});

after(async () => {
  if (page) await shot("last").catch(() => {});
  await browser?.close().catch(() => {});
  if (codeServer) {
    // code-server starts its server, extension hosts and helpers as children: end them all.
    try {
      process.kill(-codeServer.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (dir && !process.env.KEEP_E2E_DIR) await rm(dir, { recursive: true, force: true });
});

test("one mistake gives one squiggle and one problem", async () => {
  await page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: 120000 });
  // Give a second list (pushed after pulled, or the reverse) time to arrive before counting.
  await page.waitForTimeout(3000);
  await shot("diagnostic");
  assert.equal(await problemCount(), 1);
  await page.keyboard.press("Control+Shift+M");
  const rows = page.locator(".markers-panel .monaco-list-row", { hasText: "HC1001" });
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
});

test("hovering the squiggle explains it", async () => {
  await page.locator(".monaco-editor .view-lines span", { hasText: "mesage" }).last().hover();
  const hover = page.locator(".monaco-hover", { hasText: "mesage" });
  await hover.first().waitFor({ timeout: 20000 });
  assert.match(await hover.first().innerText(), /isn't defined|Did you mean 'message'/);
  await shot("hover");
  await page.mouse.move(5, 5);
});

test("Explain this error opens the long explanation", async () => {
  await page.locator(".monaco-editor .view-lines span", { hasText: "mesage" }).last().click();
  await command("HyperCode: Explain this error");
  await page.locator(".tabs-container .tab", { hasText: "HC1001" }).first().waitFor({ timeout: 20000 });
  await shot("explain");
});

test("the quick fix removes the problem", async () => {
  await page.locator(".monaco-editor .view-lines span", { hasText: "mesage" }).last().click();
  await command("Quick Fix...");
  const fix = page.locator(".action-widget .monaco-list-row", { hasText: "Change 'mesage' to 'message'" });
  await fix.first().waitFor({ timeout: 20000 });
  await fix.first().click();
  await page.locator(".monaco-editor .view-lines", { hasText: "print(message)" }).waitFor();
  await page.waitForFunction(() => !document.querySelector(".monaco-editor .squiggly-error"), null, { timeout: 20000 });
  assert.equal(await problemCount(), 0);
});

test("Run file shows the program's output", async () => {
  await command("HyperCode: Run file");
  await page.locator(".output-view, .panel", { hasText: "hello from HyperCode" }).first().waitFor({ timeout: 30000 });
  await shot("run");
});

test("an agent reviews the file beside the code (HyperCode: Review this file)", async () => {
  // Last: the answer opens beside the program and takes the editor area's attention.
  await page.locator(".monaco-editor .view-lines span", { hasText: "message" }).last().click();
  await command("HyperCode: Review this file");
  const answer = page.locator(".monaco-editor .view-lines", { hasText: "reviewer" });
  await answer.first().waitFor({ timeout: 60000 });
  assert.match((await answer.first().innerText()).replace(/\s+/g, " "), /Answered by the reviewer \(rules\)/);
  await shot("agent-review");
});
