/**
 * What the language status item says about the server's apps: one line of
 * text, a detail and a severity, from the `qtasks/status` payload.
 * Pure logic without `vscode`, covered by unit tests.
 */

import { AppState, AppStatus, ServerStatus } from "./protocol";

export type SummarySeverity = "information" | "warning" | "error";

export interface StatusSummary {
  text: string;
  detail: string;
  severity: SummarySeverity;
  busy: boolean;
}

const STATE_LABELS: Record<AppState, string> = {
  static: "static only",
  inspecting: "inspecting",
  ready: "ready",
  stale: "stale",
  error: "error",
  untrusted: "static only (restricted mode)",
  disabled: "static only (inspection off)",
};

/** Worst first: the state that the item shows when apps differ. */
const STATE_RANK: AppState[] = [
  "error",
  "stale",
  "inspecting",
  "untrusted",
  "disabled",
  "static",
  "ready",
];

/** Summarize the server's status for the language status item. */
export function summarizeStatus(status: ServerStatus): StatusSummary {
  const apps = status.apps ?? [];
  if (apps.length === 0) {
    return {
      text: "QTasks: no app found",
      detail: "Set qtasks.app to module:attribute",
      severity: "warning",
      busy: false,
    };
  }

  const state = worstState(apps);
  const tasks = apps.reduce((sum, app) => sum + (app.taskCount ?? 0), 0);
  const name = apps.length === 1 ? apps[0].spec : `${apps.length} apps`;
  const taskWord = tasks === 1 ? "task" : "tasks";

  return {
    text: `${name}: ${tasks} ${taskWord}`,
    detail: stateDetail(state, apps),
    severity: severityOf(state),
    busy: state === "inspecting",
  };
}

/** The label of a state as the user reads it. */
export function stateLabel(state: AppState): string {
  return STATE_LABELS[state] ?? state;
}

function worstState(apps: AppStatus[]): AppState {
  const ranks = apps.map((app) => {
    const rank = STATE_RANK.indexOf(app.state);
    return rank < 0 ? STATE_RANK.length : rank;
  });

  return STATE_RANK[Math.min(...ranks)] ?? apps[0].state;
}

function stateDetail(state: AppState, apps: AppStatus[]): string {
  const failed = apps.find((app) => app.lastError);
  if ((state === "error" || state === "stale") && failed?.lastError) {
    return `${stateLabel(state)}: ${failed.lastError}`;
  }

  return stateLabel(state);
}

function severityOf(state: AppState): SummarySeverity {
  if (state === "error") {
    return "error";
  }

  return state === "stale" ? "warning" : "information";
}
