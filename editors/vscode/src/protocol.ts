/**
 * The names and shapes this extension shares with the qtasks-lsp server, as
 * docs/protocol.md defines them. No `vscode` import: unit tests use it too.
 */

export const SERVER_COMMANDS = {
  inspectApp: "qtasks.server.inspectApp",
  status: "qtasks.server.status",
} as const;

export const STATUS_NOTIFICATION = "qtasks/status";

export type AppState =
  | "static"
  | "inspecting"
  | "ready"
  | "stale"
  | "error"
  | "untrusted"
  | "disabled";

/** One app as the server reports it in `qtasks/status` and `qtasks.server.status`. */
export interface AppStatus {
  spec: string;
  root?: string;
  source?: string;
  python?: string;
  pythonSource?: string;
  state: AppState;
  taskCount?: number;
  lastError?: string | null;
  lastInspection?: string | null;
}

export interface ServerStatus {
  apps: AppStatus[];
  text?: string;
  markdown?: string;
}

export interface InspectResult {
  text: string;
  markdown: string;
  app?: unknown;
  tasks?: unknown[];
}
