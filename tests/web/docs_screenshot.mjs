// Regenerates docs/hyperflow.png: an example program that ran, then a typo with its quick fix.
// Usage: make -C editor_web docs-screenshot
import { join } from "node:path";
import { ROOT, openHyperflow } from "./harness.mjs";

const hyperflow = await openHyperflow({ viewport: { width: 1280, height: 760 } });
try {
  const { page } = hyperflow;
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
  await hyperflow.close();
}
