// hyperflow voice coding end to end, in a real Chromium with a fake microphone.
//
// espeak-ng + sox make one WAV: "define function area with width and height", a pause,
// "scratch that". Chromium plays it as the microphone (--use-file-for-fake-audio-capture); the
// page streams it to /voice on a real `hypercode-web`. We see "Heard: …", the function appear,
// then "scratch that" take it away again.
//
// HYPERCODE_WEB: the hypercode-web executable (default ../../.venv/bin/hypercode-web)
// CHROMIUM: the browser (default /usr/bin/chromium)

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openHyperflow, shot, docText } from "./harness.mjs";

const START_TEXT = "total = 1\nprint(total)\n";

let hyperflow;
let page;
let pageProblems;
let workDir;

/** The fake microphone: both commands in one 48 kHz mono WAV, with pauses long enough to watch. */
function makeMicrophoneFile(dir) {
  const part = (name, text) => {
    const file = join(dir, `${name}.wav`);
    execFileSync("espeak-ng", ["-v", "en-us", "-s", "150", "-w", file, text]);
    return file;
  };
  const first = part("define", "define function area with width and height");
  const second = part("scratch", "scratch that");
  const out = join(dir, "microphone.wav");
  execFileSync("sox", [
    "-n", "-r", "22050", "-c", "1", join(dir, "lead.wav"), "trim", "0", "1.5",
  ]);
  execFileSync("sox", ["-n", "-r", "22050", "-c", "1", join(dir, "gap.wav"), "trim", "0", "6"]);
  execFileSync("sox", [
    join(dir, "lead.wav"), first, join(dir, "gap.wav"), second, join(dir, "gap.wav"), join(dir, "gap.wav"),
    "-r", "48000", "-b", "16", "-c", "1", out,
  ]);
  return out;
}

/** Wait for "Heard: …" to start with `words`; if the page asks "Did you say …?", answer Enter. */
async function waitForHeard(words, timeout = 60000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const heard = await page.locator("#voice-heard").textContent();
    if (heard.startsWith(`Heard: ${words}`)) return heard;
    await page.waitForTimeout(100);
  }
  throw new Error(`never heard "${words}"; log: ${JSON.stringify(await page.evaluate(() => window.hyperflow.voice.log))}`);
}

async function answerQuestionIfAsked() {
  const note = await page.locator("#voice-note").textContent();
  if (note.startsWith("Did you say")) await page.keyboard.press("Enter");
}

describe("hyperflow voice with a fake microphone", { timeout: 180000 }, () => {
  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "hyperflow-voice-"));
    const microphone = makeMicrophoneFile(workDir);
    hyperflow = await openHyperflow({
      browserArgs: [
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        `--use-file-for-fake-audio-capture=${microphone}%noloop`, "--autoplay-policy=no-user-gesture-required",
      ],
    });
    ({ page, problems: pageProblems } = hyperflow);
    await page.waitForSelector("#voice-button");
    await page.evaluate((text) => window.hyperflow.setText(text), START_TEXT);
    // The cursor at the end of the program: new code goes where the cursor is.
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+End");
  });

  after(async () => {
    await hyperflow?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  test("the mode is visible before listening", async () => {
    assert.equal(await page.locator("#voice-mode").textContent(), "Voice: not listening");
  });

  test("speak a function into existence, then scratch it", async () => {
    await page.click("#voice-button");
    await page.waitForFunction(() => document.querySelector("#voice-mode").textContent === "Voice: commands",
      null, { timeout: 30000 });

    await waitForHeard("define function area");
    await answerQuestionIfAsked();
    await page.waitForFunction(() => window.hyperflow.view.state.doc.toString().includes("def area(width, height):"),
      null, { timeout: 20000 });
    const withFunction = await docText(page);
    assert.equal(withFunction, `${START_TEXT}\ndef area(width, height):\n    pass\n`);
    await shot(page, "voice-define");

    await waitForHeard("scratch that");
    await answerQuestionIfAsked();
    await page.waitForFunction((start) => window.hyperflow.view.state.doc.toString() === start, START_TEXT,
      { timeout: 20000 });
    assert.equal(await docText(page), START_TEXT);
    await shot(page, "voice-scratch");

    const log = await page.evaluate(() => window.hyperflow.voice.log.map((m) => m.type));
    assert.ok(log.indexOf("heard") < log.indexOf("command"), "Heard comes before the command");
    assert.deepEqual(pageProblems, []);
  });
});
