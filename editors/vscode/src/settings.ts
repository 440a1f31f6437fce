/**
 * The settings object sent to the server (docs/protocol.md, "Settings"), built
 * from the `qtasks.*` values the user set. Only values the user set explicitly
 * are sent, so that `[tool.qtasks-lsp]` in pyproject.toml still applies to the
 * rest. Pure logic without `vscode`, covered by unit tests.
 */

import { expandPath } from "./interpreter";
import { resolvePath } from "./paths";

export const LOG_LEVELS = ["error", "warning", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `qtasks.*` values as read from the editor; absent when the user set none. */
export interface UserSettings {
  app?: unknown;
  python?: unknown;
  extraPaths?: unknown;
  envFile?: unknown;
  inspectionEnabled?: unknown;
  inspectionTimeout?: unknown;
  logLevel?: unknown;
}

export interface InspectionSettings {
  enabled?: boolean;
  timeout?: number;
}

export interface ServerSettings {
  app?: string | string[];
  python?: string;
  extraPaths?: string[];
  envFile?: string;
  inspection?: InspectionSettings;
  logLevel?: LogLevel;
  trusted: boolean;
}

export interface InitializationOptions extends ServerSettings {
  editorPython?: string;
}

export interface SettingsContext {
  trusted: boolean;
  workspaceFolder?: string;
  homeDir?: string;
}

/** Build the server's settings object from what the user set. */
export function buildServerSettings(user: UserSettings, context: SettingsContext): ServerSettings {
  const paths = (value: string): string =>
    resolvePath(value, context.workspaceFolder, context.homeDir);
  const settings: ServerSettings = { trusted: context.trusted };

  const app = appSpecs(user.app);
  if (app !== undefined) {
    settings.app = app;
  }
  const python = nonEmptyString(user.python);
  if (python !== undefined) {
    settings.python = expandPath(python, context.workspaceFolder, context.homeDir);
  }
  const extraPaths = stringList(user.extraPaths);
  if (extraPaths.length > 0) {
    settings.extraPaths = extraPaths.map(paths);
  }
  const envFile = nonEmptyString(user.envFile);
  if (envFile !== undefined) {
    settings.envFile = paths(envFile);
  }
  const inspection = inspectionSettings(user);
  if (inspection !== undefined) {
    settings.inspection = inspection;
  }
  if (isLogLevel(user.logLevel)) {
    settings.logLevel = user.logLevel;
  }

  return settings;
}

/** The `initializationOptions` of the server: its settings plus `editorPython`. */
export function buildInitializationOptions(
  settings: ServerSettings,
  editorPython: string | undefined,
): InitializationOptions {
  const options: InitializationOptions = { ...settings };
  if (editorPython) {
    options.editorPython = editorPython;
  }

  return options;
}

function appSpecs(value: unknown): string | string[] | undefined {
  if (Array.isArray(value)) {
    const specs = stringList(value);
    return specs.length > 0 ? specs : undefined;
  }

  return nonEmptyString(value);
}

function inspectionSettings(user: UserSettings): InspectionSettings | undefined {
  const inspection: InspectionSettings = {};
  if (typeof user.inspectionEnabled === "boolean") {
    inspection.enabled = user.inspectionEnabled;
  }
  const timeout = user.inspectionTimeout;
  if (typeof timeout === "number" && Number.isFinite(timeout) && timeout > 0) {
    inspection.timeout = timeout;
  }

  return Object.keys(inspection).length > 0 ? inspection : undefined;
}

function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && (LOG_LEVELS as readonly string[]).includes(value);
}

function nonEmptyString(value: unknown): string | undefined {
  if (typeof value !== "string") {
    return undefined;
  }
  const trimmed = value.trim();

  return trimmed === "" ? undefined : trimmed;
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) {
    return [];
  }

  return value.map(nonEmptyString).filter((item): item is string => item !== undefined);
}
