/**
 * Reads the `qtasks.*` settings of a workspace folder from VS Code and turns
 * them into the server's settings object (see settings.ts).
 */

import * as os from "os";
import * as vscode from "vscode";

import { buildServerSettings, ServerSettings, UserSettings } from "./settings";

export const SECTION = "qtasks";

/** Settings that a workspace may not set in Restricted Mode (see package.json). */
const RESTRICTED_KEYS = new Set(["python", "app", "envFile", "extraPaths"]);

/** The values the user set for one scope; defaults count as unset. */
export function readUserSettings(scope: vscode.Uri | undefined, trusted: boolean): UserSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const value = (key: string): unknown =>
    explicitValue(config, key, trusted || !RESTRICTED_KEYS.has(key));

  return {
    app: value("app"),
    python: value("python"),
    extraPaths: value("extraPaths"),
    envFile: value("envFile"),
    inspectionEnabled: value("inspection.enabled"),
    inspectionTimeout: value("inspection.timeout"),
    logLevel: value("logLevel"),
  };
}

/** The server's settings for a folder (or the window when `scope` is absent). */
export function serverSettingsFor(scope?: vscode.Uri): ServerSettings {
  const folder = scope ? vscode.workspace.getWorkspaceFolder(scope) : firstFolder();
  const trusted = vscode.workspace.isTrusted;

  return buildServerSettings(readUserSettings(folder?.uri ?? scope, trusted), {
    trusted,
    workspaceFolder: folder?.uri.fsPath,
    homeDir: os.homedir(),
  });
}

export function firstFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

/**
 * The value that wins among the scopes the user wrote, or undefined when only
 * the default applies. Workspace values count only when `fromWorkspace` is set:
 * a restricted setting of an untrusted workspace is ignored, as VS Code does.
 */
function explicitValue(
  config: vscode.WorkspaceConfiguration,
  key: string,
  fromWorkspace: boolean,
): unknown {
  const values = config.inspect(key);
  if (!values) {
    return undefined;
  }
  const workspaceValue = fromWorkspace
    ? (values.workspaceFolderLanguageValue ??
      values.workspaceFolderValue ??
      values.workspaceLanguageValue ??
      values.workspaceValue)
    : undefined;

  return workspaceValue ?? values.globalLanguageValue ?? values.globalValue;
}
