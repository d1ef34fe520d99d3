// Bundles the extension (and, with --tests, the unit tests) with esbuild.
//   node esbuild.mjs          -> dist/extension.js (everything but `vscode` inlined, minified; --dev: readable)
//   node esbuild.mjs --tests  -> out/test/*.test.js (for `node --test`)
import { build } from "esbuild";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  logLevel: "warning",
  legalComments: "none",
};

if (process.argv.includes("--tests")) {
  // test/unit/*.test.ts and test/integration/*.ts; `vscode` is left out and mocked at run time.
  const entryPoints = ["test/unit", "test/integration"].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".ts") && !f.endsWith("-mock.ts"))
      .map((f) => join(dir, f)),
  );
  rmSync("out/test", { recursive: true, force: true });
  await build({ ...common, entryPoints, outdir: "out/test", outbase: "test", external: ["vscode"], sourcemap: "inline" });
  console.log(`esbuild: ${entryPoints.length} test entry points -> out/test/`);
} else {
  const result = await build({
    ...common,
    entryPoints: ["src/extension.ts"],
    outfile: "dist/extension.js",
    external: ["vscode"],
    minify: !process.argv.includes("--dev"),
    keepNames: true,
    metafile: true,
  });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`esbuild: dist/extension.js (${Math.round(bytes / 1024)} KiB)`);
}
