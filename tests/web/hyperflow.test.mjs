// Browser tests for hyperflow, the HyperCode web editor.
//
// Starts a real `hypercode-web` (HTTP + the language server over WebSocket on
// one loopback port), drives Debian's Chromium through playwright-core, and
// saves a screenshot of each state under test-artifacts/web/.
//
// Run with `make -C editor_web test` (or `make test-web` at the top level).
// HYPERCODE_WEB: the hypercode-web executable (default ../../.venv/bin/hypercode-web)
// CHROMIUM: the browser (default /usr/bin/chromium; never downloaded)
// HYPERFLOW_SERVER_FACTORY: development only, another language-server factory.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  openHyperflow, shot, docText, setTextAndWait, clearEditor, focusPageTop, axeSerious, MOD,
} from "./harness.mjs";

const FACTORY = process.env.HYPERFLOW_SERVER_FACTORY;

let hyperflow;
let page;
let pageProblems; // console errors, page errors, CSP reports (Chromium logs those as console errors)

/** Replace the whole program by typing it, as a person would. */
async function typeProgram(lines) {
  await clearEditor(page);
  for (const [i, line] of lines.entries()) {
    if (i > 0) {
      await page.keyboard.press("Escape"); // close any completion list first
      await page.keyboard.press("Enter");
      await page.keyboard.press("Home"); // no auto-indent carried over
    }
    await page.keyboard.type(line, { delay: 15 });
  }
  await page.keyboard.press("Escape");
}

describe("hyperflow in a real browser", { timeout: 240000 }, () => {
  before(async () => {
    // The first test checks the connecting itself, so set-up does not wait for it.
    hyperflow = await openHyperflow({
      serverArgs: FACTORY ? ["--server-factory", FACTORY] : [],
      waitConnected: false,
    });
    ({ page, problems: pageProblems } = hyperflow);
  });

  after(() => hyperflow?.close());

  test("the page loads and connects to the language server", async () => {
    await page.waitForSelector(".cm-content");
    await page.waitForFunction(() => document.getElementById("connection").dataset.state === "on", null, {
      timeout: 20000,
    });
    assert.equal(await page.title(), "hyperflow · HyperCode editor");
    // Plain words, not "Helper connected".
    assert.equal(await page.locator("#connection").textContent(), "Checking your code as you type");
    await shot(page, "01-loaded");
  });

  test("a misspelled name is underlined, and hover suggests the fix", async () => {
    await typeProgram(['message = "hi"', "print(mesage)"]);
    assert.equal(await docText(page), 'message = "hi"\nprint(mesage)');
    const mark = page.locator(".cm-lintRange-error", { hasText: "mesage" });
    await mark.waitFor({ timeout: 15000 });
    await shot(page, "02-diagnostic");

    await mark.hover();
    const tooltip = page.locator(".cm-tooltip-lint");
    await tooltip.waitFor({ timeout: 10000 });
    assert.match(await tooltip.textContent(), /Did you mean 'message'\?/);
    // The code links to its page in the error reference, served by hypercode-web itself.
    const link = tooltip.locator("a.hf-diag-code", { hasText: "HC1001" });
    assert.equal(await link.getAttribute("href"), "/docs/errors/HC1001");
    const reference = await page.evaluate(async () => {
      const response = await fetch("/docs/errors/HC1001");
      return { status: response.status, text: await response.text() };
    });
    assert.equal(reference.status, 200);
    assert.match(reference.text, /HC1001: Unknown name/);
    // The quick fix is offered in the tooltip as a button.
    const fix = tooltip.locator(".cm-diagnosticAction.hf-action-fix").first();
    await fix.waitFor({ timeout: 10000 });
    await shot(page, "03-hover");

    // The screen-reader live region announced the problem too.
    await page.waitForFunction(() => /mesage/.test(document.getElementById("announcer").textContent), null, {
      timeout: 10000,
    });
  });

  test("applying the quick fix corrects the name", async () => {
    const tooltip = page.locator(".cm-tooltip-lint");
    await tooltip.locator(".cm-diagnosticAction.hf-action-fix").first().click();
    assert.equal(await docText(page), 'message = "hi"\nprint(message)');
    await page.waitForFunction(
      () => !window.hyperflow.problems.some((p) => p.code === "HC1001"),
      null,
      { timeout: 15000 },
    );
    assert.equal(await page.locator(".cm-lintRange-error").count(), 0);
    await shot(page, "04-fixed");
  });

  test("Ctrl+Enter runs the program and shows its output", async () => {
    await page.locator(".cm-content").click();
    await page.keyboard.press(`${MOD}+Enter`);
    const status = page.locator("#output-status");
    await page.waitForFunction(() => /exit code/.test(document.getElementById("output-status").textContent), null, {
      timeout: 30000,
    });
    assert.equal(await page.locator("#stdout").textContent(), "hi\n");
    const text = await status.textContent();
    assert.match(text, /Finished/);
    assert.match(text, /exit code 0/);
    assert.match(text, /\d+(\.\d+)? (ms|s)/);
    await shot(page, "05-run");
  });

  test("the Run button shows errors calmly, with stderr and an exit code", async () => {
    await setTextAndWait(page, 'print("before")\nprint(1 / 0)\n');
    await page.locator("#run").click();
    await page.waitForFunction(() => /exit code 1/.test(document.getElementById("output-status").textContent), null, {
      timeout: 30000,
    });
    assert.equal(await page.locator("#stdout").textContent(), "before\n");
    assert.ok((await page.locator("#stderr").textContent()).length > 0, "stderr is shown");
    await shot(page, "06-run-error");
  });

  test("the Explain panel explains a diagnostic", async () => {
    const problems = await setTextAndWait(page, 'message = "hi"\nprint(mesage)\n');
    assert.ok(problems.some((p) => p.code === "HC1001"), JSON.stringify(problems));
    await page.locator("#problems-list button", { hasText: "Explain HC1001" }).first().click();
    const body = page.locator("#explain-body");
    await page.waitForFunction(
      () => {
        const body = document.getElementById("explain-body");
        const heading = body.querySelector("h3, h4, h5");
        return heading && /HC1001/.test(heading.textContent) && !/Looking up/.test(body.textContent);
      },
      null,
      { timeout: 15000 },
    );
    assert.equal(await page.locator("#explain-body").locator("h3, h4, h5").filter({ hasText: "HC1001" }).count(), 1);
    assert.ok((await body.textContent()).length > 40);
    assert.equal(await body.locator("script, img, a").count(), 0);
    await shot(page, "07-explain");
  });

  test("completion suggests names from the program", async () => {
    await setTextAndWait(page, 'message = "hi"\n');
    await page.locator(".cm-content").click();
    await page.keyboard.press(`${MOD}+End`);
    await page.keyboard.type("print(mess", { delay: 20 });
    await page.keyboard.press(`${MOD}+Space`);
    const option = page.locator(".cm-tooltip-autocomplete li", { hasText: "message" }).first();
    await option.waitFor({ timeout: 10000 });
    await shot(page, "08-completion");
    await page.keyboard.press("Escape");
  });

  test("go to definition jumps to where a name is defined", async () => {
    await setTextAndWait(page, 'greeting = "hello"\n\nprint(greeting)\n');
    await page.evaluate(() => {
      const view = window.hyperflow.view;
      const pos = view.state.doc.toString().lastIndexOf("greeting") + 2;
      view.dispatch({ selection: { anchor: pos } });
      view.focus();
    });
    await page.keyboard.press("F12");
    await page.waitForFunction(() => {
      const view = window.hyperflow.view;
      return view.state.doc.lineAt(view.state.selection.main.head).number === 1;
    }, null, { timeout: 10000 });
  });

  test("the examples are valid HyperCode", async () => {
    const examples = await page.evaluate(() => window.hyperflow.examples);
    assert.ok(examples.length >= 4);
    for (const example of examples) {
      const problems = await setTextAndWait(page, example.text);
      const errors = problems.filter((p) => p.severity === "error");
      if (example.id === "fixme") assert.ok(errors.some((p) => p.code === "HC1001"), example.id);
      else assert.deepEqual(errors, [], `example ${example.id} has no errors`);
    }
  });

  test("an example loads from the Open dialog and runs", async () => {
    await page.locator("#open").click();
    const dialog = page.locator("#open-dialog");
    await dialog.waitFor();
    await shot(page, "09-open-dialog");
    await dialog.locator("button", { hasText: "Shopping list" }).click();
    assert.equal(await dialog.isVisible(), false);
    await page.locator("#run").click();
    await page.waitForFunction(() => /Total: 7\.90/.test(document.getElementById("stdout").textContent), null, {
      timeout: 30000,
    });
  });

  test("files are saved to and opened from the browser's storage", async () => {
    await setTextAndWait(page, 'print("saved program")\n');
    await page.locator("#file-name").fill("saved.hc");
    await page.locator("#save").click();
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("hyperflow:files")));
    assert.equal(stored["saved.hc"].text, 'print("saved program")\n');
    await page.evaluate(() => window.hyperflow.setText("# something else\n"));
    await page.locator("#open").click();
    await page.locator("#saved-list button", { hasText: "saved.hc" }).click();
    // "# something else" was never saved, so hyperflow asks before replacing it.
    await page.locator("#replace-yes").click();
    assert.equal(await docText(page), 'print("saved program")\n');
    // The draft survives a reload.
    await page.waitForTimeout(600);
    await page.reload();
    await page.waitForSelector(".cm-content");
    assert.equal(await docText(page), 'print("saved program")\n');
    assert.equal(await page.locator("#file-name").inputValue(), "saved.hc");
    await page.waitForFunction(() => document.getElementById("connection").dataset.state === "on", null, {
      timeout: 20000,
    });
  });

  test("themes, text size, spacing and the dyslexia-friendly font can be switched", async () => {
    await setTextAndWait(page, 'message = "hi"\nprint(mesage)\n');
    await page.locator("#settings-button").click();
    const dialog = page.locator("#settings-dialog");
    await dialog.waitFor();
    await dialog.getByLabel("High contrast").check();
    await dialog.getByLabel("Code font").selectOption("opendyslexic");
    await dialog.getByLabel("Text size").fill("20");
    await shot(page, "10-settings");
    await dialog.getByRole("button", { name: "Done" }).click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "contrast");
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, "rgb(0, 0, 0)");
    const font = await page.evaluate(() => getComputedStyle(document.querySelector(".cm-content")).fontFamily);
    assert.match(font, /OpenDyslexic/);
    await page.evaluate(() => document.fonts.ready);
    await page.locator(".cm-lintRange-error").first().waitFor({ timeout: 15000 });
    await shot(page, "11-high-contrast");
    const settings = await page.evaluate(() => JSON.parse(localStorage.getItem("hyperflow:settings")));
    assert.equal(settings.theme, "contrast");
    assert.equal(settings.fontSize, 20);
  });

  test("no serious or critical accessibility problems (axe-core), in every theme", async () => {
    for (const theme of ["contrast", "calm-dark", "calm"]) {
      await page.evaluate((t) => {
        document.querySelector(`input[name="theme"][value="${t}"]`).click();
      }, theme);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
      const serious = await axeSerious(page, theme);
      assert.deepEqual(serious, [], `axe found serious problems in the ${theme} theme`);
    }
    await page.locator("#settings-button").click();
    await page.locator("#reset-settings").click();
    await page.locator("#settings-dialog").getByRole("button", { name: "Done" }).click();
    await shot(page, "12-calm-dark-checked");
  });

  test("everything is reachable by keyboard, with a visible focus ring", async () => {
    await page.reload();
    await page.waitForSelector(".cm-content");
    // The editor has the focus on load; from the top of the page, Tab reaches the skip link first.
    await page.waitForFunction(() => document.activeElement?.classList.contains("cm-content"));
    await focusPageTop(page);
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.className), "skip-link");
    const seen = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      await page.waitForTimeout(60); // CodeMirror marks focus a moment after the event
      const info = await page.evaluate(() => {
        const active = document.activeElement;
        // Inside CodeMirror the ring is drawn round the editor's box.
        const el = active.closest("#editor") || active;
        const style = getComputedStyle(el);
        const id = active.id || (active.closest(".cm-editor") ? "editor" : active.tagName.toLowerCase());
        return { id, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
      });
      if (info.id) seen.push(info.id);
      assert.notEqual(info.outline, "none", `focus on #${info.id} is visible`);
      assert.ok(info.width >= 2, `focus ring on #${info.id} is thick enough`);
    }
    for (const id of ["file-name", "save", "open", "format", "definition", "run", "settings-button", "help-button", "editor"]) {
      assert.ok(seen.includes(id), `#${id} is reachable with Tab (saw ${seen.join(", ")})`);
    }
    await page.locator("#help-button").focus();
    await page.keyboard.press("Enter");
    await page.locator("#help-dialog").waitFor();
    await shot(page, "13-keys");
    await page.keyboard.press("Escape");
    assert.equal(await page.locator("#help-dialog").isVisible(), false);
  });

  test("explanations and server HTML are rendered safely", async () => {
    const seenBefore = pageProblems.length;
    const result = await page.evaluate(() => {
      const { render, sanitizeHTML } = window.hyperflow.markdown;
      const box = document.createElement("div");
      box.append(render("# Title\n\nSome `code` and **bold** <img src=x onerror=alert(1)>\n\n    indented = 1\n\n- one\n- two"));
      const cleaned = sanitizeHTML('<p onclick="x()">hi <a href="javascript:x()">link</a><script>bad()</script><img src=x><code class="k">c</code></p>');
      return {
        html: box.innerHTML,
        tags: [...box.querySelectorAll("*")].map((e) => e.tagName).join(","),
        cleaned,
      };
    });
    assert.equal(result.tags, "H3,P,CODE,STRONG,PRE,CODE,UL,LI,LI");
    assert.match(result.html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.equal(result.cleaned, '<p>hi link<code class="k">c</code></p>');
    // Parsing the onclick attribute makes Chromium report that the page's CSP refused it:
    // a second line of defence, expected here, so it is not counted as a page error.
    await page.waitForTimeout(200);
    const added = pageProblems.splice(seenBefore);
    assert.ok(added.every((p) => /inline event handler/.test(p)), added.join("\n"));
  });

  test("the page logged no errors and broke no content-security rule", async () => {
    assert.deepEqual(pageProblems, []);
  });
});
