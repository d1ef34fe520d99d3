// Finding the `hypercode-lsp` program: the setting, then the workspace .venv, then PATH.
// Plain module: no `vscode` import, so it runs under `node --test`.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const SERVER_NAME = "hypercode-lsp";

export type ServerSource = "setting" | "venv" | "path";

export type Discovery =
  | { kind: "found"; command: string; source: ServerSource }
  /** The setting names a file that is not there (or cannot be run). We do not guess past it. */
  | { kind: "setting-invalid"; configured: string; resolved: string }
  | { kind: "not-found"; searched: string[] };

export interface DiscoveryInput {
  /** `hypercode.server.path`; empty means "look for it". */
  settingPath: string;
  /** File-system paths of the open workspace folders, first one first. */
  workspaceFolders: readonly string[];
  platform: NodeJS.Platform;
  /** The PATH environment variable. */
  envPath: string | undefined;
  /** PATHEXT on Windows, e.g. ".COM;.EXE;.BAT;.CMD". */
  pathExt?: string;
  /** The user's home folder, for a setting that starts with `~`. */
  home?: string;
  /** Whether a file exists and can be run. Injected so tests need no real files. */
  isExecutable: (file: string) => boolean;
}

function pathModule(platform: NodeJS.Platform): path.PlatformPath {
  return platform === "win32" ? path.win32 : path.posix;
}

/** Turns the setting into an absolute path: `~`, `${workspaceFolder}`, and relative paths. */
export function resolveSettingPath(input: DiscoveryInput): string {
  const p = pathModule(input.platform);
  const folder = input.workspaceFolders[0];
  let value = input.settingPath.trim();
  if (folder !== undefined) {
    value = value.replace(/\$\{workspaceFolder\}/g, folder);
  }
  if ((value === "~" || value.startsWith("~/") || value.startsWith("~\\")) && input.home) {
    value = p.join(input.home, value.slice(1));
  }
  if (!p.isAbsolute(value) && folder !== undefined) {
    value = p.join(folder, value);
  }
  return p.normalize(value);
}

/** The places inside one workspace folder where a project virtual environment keeps the server. */
export function venvCandidates(folder: string, platform: NodeJS.Platform): string[] {
  const p = pathModule(platform);
  if (platform === "win32") {
    return [p.join(folder, ".venv", "Scripts", `${SERVER_NAME}.exe`)];
  }
  return [p.join(folder, ".venv", "bin", SERVER_NAME)];
}

/** Every PATH entry joined with the program name (and each PATHEXT ending on Windows). */
export function pathCandidates(envPath: string | undefined, platform: NodeJS.Platform, pathExt?: string): string[] {
  const p = pathModule(platform);
  const sep = platform === "win32" ? ";" : ":";
  const dirs = (envPath ?? "")
    .split(sep)
    .map((d) => d.trim().replace(/^"(.*)"$/, "$1"))
    .filter((d) => d !== "");
  const endings =
    platform === "win32"
      ? (pathExt ?? ".COM;.EXE;.BAT;.CMD")
          .split(";")
          .map((e) => e.trim().toLowerCase())
          .filter((e) => e !== "")
      : [""];
  const out: string[] = [];
  for (const dir of dirs) {
    for (const ending of endings) {
      out.push(p.join(dir, SERVER_NAME + ending));
    }
  }
  return out;
}

/** Finds the language server, in the contract's order. Never throws. */
export function discoverServer(input: DiscoveryInput): Discovery {
  const safe = (file: string): boolean => {
    try {
      return input.isExecutable(file);
    } catch {
      return false;
    }
  };

  if (input.settingPath.trim() !== "") {
    const resolved = resolveSettingPath(input);
    if (safe(resolved)) {
      return { kind: "found", command: resolved, source: "setting" };
    }
    return { kind: "setting-invalid", configured: input.settingPath.trim(), resolved };
  }

  const searched: string[] = [];
  for (const folder of input.workspaceFolders) {
    for (const candidate of venvCandidates(folder, input.platform)) {
      searched.push(candidate);
      if (safe(candidate)) {
        return { kind: "found", command: candidate, source: "venv" };
      }
    }
  }
  for (const candidate of pathCandidates(input.envPath, input.platform, input.pathExt)) {
    searched.push(candidate);
    if (safe(candidate)) {
      return { kind: "found", command: candidate, source: "path" };
    }
  }
  return { kind: "not-found", searched };
}

/**
 * Whether the program must be started through a shell. On Windows, Node refuses to spawn
 * `.cmd` / `.bat` files directly, and a PATH shim for `hypercode-lsp` may be one of those.
 */
export function needsShell(command: string, platform: NodeJS.Platform): boolean {
  return platform === "win32" && /\.(cmd|bat)$/i.test(command);
}

/** The real check: a regular file that we may execute (on Windows, existing is enough). */
export function isExecutableFile(file: string, platform: NodeJS.Platform = process.platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (platform !== "win32") {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** Discovery with the real file system and environment. */
export function discoverServerOnDisk(settingPath: string, workspaceFolders: readonly string[]): Discovery {
  return discoverServer({
    settingPath,
    workspaceFolders,
    platform: process.platform,
    envPath: process.env.PATH ?? process.env.Path,
    pathExt: process.env.PATHEXT,
    home: os.homedir(),
    isExecutable: (file) => isExecutableFile(file),
  });
}
