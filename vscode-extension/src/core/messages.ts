// Every sentence the extension shows to a person lives here, so the tone can be
// reviewed in one place: calm, no blame, one idea per message, and what to do next.
// Plain module: no `vscode` import.

import type { Discovery } from "./discovery";

export const BUTTON_OPEN_SETTING = "Open setting";
export const BUTTON_TRY_AGAIN = "Try again";
export const BUTTON_SHOW_LOG = "Show server log";
export const BUTTON_RESTART = "Restart server";

/** The notification shown when discovery finds no server. */
export function serverMissing(d: Exclude<Discovery, { kind: "found" }>): string {
  if (d.kind === "setting-invalid") {
    return (
      `HyperCode could not find its language server at "${d.resolved}", the path in hypercode.server.path. ` +
      "Check that path, or clear the setting so HyperCode looks in the workspace .venv and on PATH."
    );
  }
  return (
    "HyperCode could not find its language server. " +
    "Run `make run` in the HyperCode project, or set `hypercode.server.path`."
  );
}

export const serverDidNotStart =
  "The HyperCode language server did not start. The server log has the details; you can restart it when ready.";

export const serverStopped =
  "The HyperCode language server has stopped. Use “HyperCode: Restart server” to start it again.";

export const serverRestarted = "HyperCode language server restarted.";

export const noServerForRun =
  "The HyperCode language server is not running, so the file can't run yet. Use “HyperCode: Restart server”, then try again.";

export const noServerForExplain =
  "The HyperCode language server is not running, so explanations aren't available yet. Use “HyperCode: Restart server”, then try again.";

export const openHcFileFirst = "Open a .hc file first, then run this command again.";

export const nothingToExplain = "There are no HyperCode messages in this file right now, so there is nothing to explain.";

export const pickCodePlaceholder = "Choose a message to explain";

export const askCodePrompt = "Which code would you like explained? For example HC1001.";

export const askCodeInvalid = "A code looks like HC followed by four digits, for example HC1001.";

export function runFailed(detail: string): string {
  return `The run request did not finish: ${oneLine(detail)}. The server log may say more; you can try again.`;
}

export function explainFailed(code: string, detail: string): string {
  return `The explanation for ${code} could not be loaded: ${oneLine(detail)}. You can try again, or run \`hcvm explain ${code}\` in a terminal.`;
}

/** Text for the status bar item. `icon` is a codicon name. */
export interface StatusText {
  text: string;
  tooltip: string;
  icon: string;
}

export type ServerState = "starting" | "running" | "stopped" | "missing" | "failed";

export function statusFor(state: ServerState): StatusText {
  switch (state) {
    case "starting":
      return { icon: "sync~spin", text: "HyperCode", tooltip: "The HyperCode language server is starting." };
    case "running":
      return { icon: "check", text: "HyperCode", tooltip: "The HyperCode language server is running. Click for HyperCode actions." };
    case "stopped":
      return { icon: "debug-pause", text: "HyperCode", tooltip: "The HyperCode language server is stopped. Click to restart it." };
    case "missing":
      return {
        icon: "info",
        text: "HyperCode: no server",
        tooltip: "HyperCode could not find its language server. Click to see what to do.",
      };
    case "failed":
      return { icon: "info", text: "HyperCode: paused", tooltip: "The HyperCode language server did not start. Click for options." };
  }
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim().replace(/[.。]+$/, "");
  return flat.length > 200 ? flat.slice(0, 197) + "…" : flat || "no details were given";
}
