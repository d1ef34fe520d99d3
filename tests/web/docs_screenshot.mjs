// Regenerates docs/hyperflow.png: an example program that ran, then a typo with its quick fix.
// Usage: make -C editor_web docs-screenshot
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(join(ROOT, "editor_web/package.json"));
const { chromium } = require("playwright-core");
const WEB = process.env.HYPERCODE_WEB || join(ROOT, ".venv/bin/hypercode-web");

const server = spawn(WEB, ["--port", "0"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (c) => {
    out += c;
    const m = out.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/);
    if (m) resolve(m[0]);
  });
  server.on("exit", (code) => reject(new Error(`hypercode-web exited with ${code}`)));
});
const profile = await mkdtemp(join(tmpdir(), "hyperflow-docs-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1280, height: 760 },
});
try {
  const page = context.pages()[0] || (await context.newPage());
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById("connection").dataset.state === "on");
  await page.evaluate(() => {
    const example = window.hyperflow.examples.find((e) => e.id === "shopping");
    window.hyperflow.setText(example.text);
  });
  await page.locator("#file-name").fill("shopping.hc");
  await page.locator("#run").click();
  await page.waitForFunction(() => /Total/.test(document.getElementById("stdout").textContent));
  // Now a small typo, as people make them.
  await page.evaluate(() => {
    const view = window.hyperflow.view;
    const text = view.state.doc.toString();
    const at = text.indexOf("{total:.2f}") + 1;
    view.dispatch({ changes: { from: at, to: at + 5, insert: "totl" } });
    window.hyperflow.client.sync();
  });
  const mark = page.locator(".cm-lintRange-error", { hasText: "totl" });
  await mark.waitFor();
  await page.waitForSelector(".hf-fix");
  // Put the cursor on the typo (no hover card, so the picture stays calm).
  await page.evaluate(() => {
    const view = window.hyperflow.view;
    view.dispatch({ selection: { anchor: view.state.doc.toString().indexOf("totl") + 2 } });
    view.focus();
  });
  await page.mouse.move(5, 700);
  await page.screenshot({ path: join(ROOT, "docs/hyperflow.png") });
  console.log("wrote docs/hyperflow.png");
} finally {
  await context.close();
  server.kill("SIGINT");
  await rm(profile, { recursive: true, force: true });
}
