// Build hyperflow into editor_web/static/ (shipped inside the Python package).
// Output is deterministic: the same sources give the same bytes.
import { build } from "esbuild";
import { mkdir, readFile, writeFile, copyFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "static");
const fonts = join(out, "fonts");

// [css family, fontsource package, file stem, weights]
const FONT_FACES = [
  ["Atkinson Hyperlegible", "atkinson-hyperlegible", "atkinson-hyperlegible-latin", [400, 700]],
  ["Atkinson Hyperlegible Mono", "atkinson-hyperlegible-mono", "atkinson-hyperlegible-mono-latin", [400, 700]],
  ["OpenDyslexic", "opendyslexic", "opendyslexic-latin", [400, 700]],
];

await rm(out, { recursive: true, force: true });
await mkdir(fonts, { recursive: true });

await build({
  entryPoints: [join(here, "web/main.js")],
  bundle: true,
  format: "esm",
  minify: true,
  target: ["es2020", "chrome100", "firefox100", "safari15"],
  outfile: join(out, "hyperflow.js"),
  legalComments: "external",
  logLevel: "warning",
});

let fontCSS = "/* Fonts bundled from @fontsource (SIL Open Font License 1.1). */\n";
for (const [family, pkg, stem, weights] of FONT_FACES) {
  const pkgDir = join(here, "node_modules/@fontsource", pkg);
  for (const weight of weights) {
    const file = `${stem}-${weight}-normal.woff2`;
    await copyFile(join(pkgDir, "files", file), join(fonts, file));
    fontCSS += `@font-face{font-family:"${family}";font-style:normal;font-weight:${weight};` +
      `font-display:swap;src:url("fonts/${file}") format("woff2");}\n`;
  }
  await copyFile(join(pkgDir, "LICENSE"), join(fonts, `LICENSE-${pkg}.txt`));
}

const css = await readFile(join(here, "web/styles.css"), "utf8");
await writeFile(join(out, "hyperflow.css"), fontCSS + "\n" + css);
await copyFile(join(here, "web/index.html"), join(out, "index.html"));
await copyFile(join(here, "web/voice-worklet.js"), join(out, "voice-worklet.js"));
console.log("hyperflow built into editor_web/static/");
