import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";

import {
  discoverServer,
  discoverServerOnDisk,
  type DiscoveryInput,
  isExecutableFile,
  needsShell,
  pathCandidates,
  resolveSettingPath,
  venvCandidates,
} from "../../src/core/discovery";

function input(over: Partial<DiscoveryInput> & { existing?: string[] }): DiscoveryInput {
  const existing = new Set(over.existing ?? []);
  return {
    settingPath: "",
    workspaceFolders: ["/home/ada/project"],
    platform: "linux",
    envPath: "/usr/local/bin:/usr/bin",
    home: "/home/ada",
    isExecutable: (f) => existing.has(f),
    ...over,
  };
}

describe("server discovery order", () => {
  test("the setting wins over .venv and PATH", () => {
    const d = discoverServer(
      input({
        settingPath: "/opt/hc/bin/hypercode-lsp",
        existing: ["/opt/hc/bin/hypercode-lsp", "/home/ada/project/.venv/bin/hypercode-lsp", "/usr/bin/hypercode-lsp"],
      }),
    );
    assert.deepEqual(d, { kind: "found", command: "/opt/hc/bin/hypercode-lsp", source: "setting" });
  });

  test("a setting that points nowhere is reported, not skipped", () => {
    const d = discoverServer(input({ settingPath: "/nope/hypercode-lsp", existing: ["/usr/bin/hypercode-lsp"] }));
    assert.deepEqual(d, { kind: "setting-invalid", configured: "/nope/hypercode-lsp", resolved: "/nope/hypercode-lsp" });
  });

  test("a blank setting (spaces only) counts as empty", () => {
    const d = discoverServer(input({ settingPath: "   ", existing: ["/usr/bin/hypercode-lsp"] }));
    assert.equal(d.kind, "found");
    assert.equal(d.kind === "found" && d.source, "path");
  });

  test("the workspace .venv comes before PATH", () => {
    const d = discoverServer(
      input({ existing: ["/home/ada/project/.venv/bin/hypercode-lsp", "/usr/local/bin/hypercode-lsp"] }),
    );
    assert.deepEqual(d, { kind: "found", command: "/home/ada/project/.venv/bin/hypercode-lsp", source: "venv" });
  });

  test("every workspace folder's .venv is tried, in order", () => {
    const d = discoverServer(
      input({
        workspaceFolders: ["/w/a", "/w/b"],
        existing: ["/w/b/.venv/bin/hypercode-lsp"],
      }),
    );
    assert.deepEqual(d, { kind: "found", command: "/w/b/.venv/bin/hypercode-lsp", source: "venv" });
  });

  test("PATH entries are tried in order", () => {
    const d = discoverServer(input({ existing: ["/usr/bin/hypercode-lsp", "/usr/local/bin/hypercode-lsp"] }));
    assert.deepEqual(d, { kind: "found", command: "/usr/local/bin/hypercode-lsp", source: "path" });
  });

  test("nothing found lists every place searched", () => {
    const d = discoverServer(input({}));
    assert.deepEqual(d, {
      kind: "not-found",
      searched: [
        "/home/ada/project/.venv/bin/hypercode-lsp",
        "/usr/local/bin/hypercode-lsp",
        "/usr/bin/hypercode-lsp",
      ],
    });
  });

  test("no workspace and no PATH: not found, no crash", () => {
    const d = discoverServer(input({ workspaceFolders: [], envPath: undefined }));
    assert.deepEqual(d, { kind: "not-found", searched: [] });
  });

  test("a checker that throws counts as 'not there'", () => {
    const d = discoverServer(
      input({
        isExecutable: () => {
          throw new Error("EACCES");
        },
      }),
    );
    assert.equal(d.kind, "not-found");
  });
});

describe("Windows", () => {
  test(".venv/Scripts/hypercode-lsp.exe", () => {
    assert.deepEqual(venvCandidates("C:\\code\\proj", "win32"), ["C:\\code\\proj\\.venv\\Scripts\\hypercode-lsp.exe"]);
    const d = discoverServer(
      input({
        platform: "win32",
        workspaceFolders: ["C:\\code\\proj"],
        envPath: "C:\\Windows",
        existing: ["C:\\code\\proj\\.venv\\Scripts\\hypercode-lsp.exe"],
      }),
    );
    assert.deepEqual(d, { kind: "found", command: "C:\\code\\proj\\.venv\\Scripts\\hypercode-lsp.exe", source: "venv" });
  });

  test("PATH uses ; and PATHEXT endings", () => {
    assert.deepEqual(pathCandidates('C:\\Py\\Scripts;"C:\\Other Dir";;', "win32", ".EXE;.CMD"), [
      "C:\\Py\\Scripts\\hypercode-lsp.exe",
      "C:\\Py\\Scripts\\hypercode-lsp.cmd",
      "C:\\Other Dir\\hypercode-lsp.exe",
      "C:\\Other Dir\\hypercode-lsp.cmd",
    ]);
  });
});

describe("starting the program", () => {
  test("Windows .cmd and .bat shims go through a shell; nothing else does", () => {
    assert.equal(needsShell("C:\\Py\\Scripts\\hypercode-lsp.CMD", "win32"), true);
    assert.equal(needsShell("C:\\Py\\Scripts\\hypercode-lsp.bat", "win32"), true);
    assert.equal(needsShell("C:\\Py\\Scripts\\hypercode-lsp.exe", "win32"), false);
    assert.equal(needsShell("/usr/bin/hypercode-lsp.cmd", "linux"), false);
  });
});

describe("the setting's path", () => {
  test("~ means the home folder", () => {
    assert.equal(resolveSettingPath(input({ settingPath: "~/tools/hypercode-lsp" })), "/home/ada/tools/hypercode-lsp");
  });

  test("${workspaceFolder} and relative paths use the first workspace folder", () => {
    assert.equal(
      resolveSettingPath(input({ settingPath: "${workspaceFolder}/env/bin/hypercode-lsp" })),
      "/home/ada/project/env/bin/hypercode-lsp",
    );
    assert.equal(resolveSettingPath(input({ settingPath: "env/bin/hypercode-lsp" })), "/home/ada/project/env/bin/hypercode-lsp");
  });

  test("an absolute path stays as it is", () => {
    assert.equal(resolveSettingPath(input({ settingPath: " /opt/x/hypercode-lsp " })), "/opt/x/hypercode-lsp");
  });
});

describe("on a real disk", { skip: process.platform === "win32" }, () => {
  test("finds an executable in .venv/bin and ignores a non-executable one on PATH", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "hc-discovery-"));
    try {
      const bin = path.join(root, ".venv", "bin");
      fs.mkdirSync(bin, { recursive: true });
      const server = path.join(bin, "hypercode-lsp");
      fs.writeFileSync(server, "#!/bin/sh\n", { mode: 0o755 });
      const plain = path.join(root, "plain");
      fs.mkdirSync(plain);
      fs.writeFileSync(path.join(plain, "hypercode-lsp"), "not a program", { mode: 0o644 });

      assert.equal(isExecutableFile(server), true);
      assert.equal(isExecutableFile(path.join(plain, "hypercode-lsp")), false);
      assert.equal(isExecutableFile(bin), false, "a folder is not a program");

      const d = discoverServerOnDisk("", [root]);
      assert.deepEqual(d, { kind: "found", command: server, source: "venv" });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
