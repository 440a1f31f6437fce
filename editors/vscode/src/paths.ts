/**
 * Expansion of the paths users write in settings: `${workspaceFolder}`,
 * `${userHome}` and a leading `~`, and relative paths taken from the
 * workspace folder. Pure logic without `vscode`.
 */

import * as path from "path";

/** Replace `${workspaceFolder}`, `${userHome}` and a leading `~`. */
export function expandVariables(value: string, workspaceFolder?: string, homeDir?: string): string {
  let result = value.trim();
  if (workspaceFolder !== undefined) {
    result = result.split("${workspaceFolder}").join(workspaceFolder);
  }
  if (homeDir !== undefined) {
    result = result.split("${userHome}").join(homeDir);
    if (result === "~" || result.startsWith("~/")) {
      result = homeDir + result.slice(1);
    }
  }

  return result;
}

/** Expand variables, then make a relative path absolute against the workspace folder. */
export function resolvePath(value: string, workspaceFolder?: string, homeDir?: string): string {
  const expanded = expandVariables(value, workspaceFolder, homeDir);
  if (path.isAbsolute(expanded) || workspaceFolder === undefined) {
    return expanded;
  }

  return path.join(workspaceFolder, expanded);
}
