/**
 * The language status item of Python files: the app, its task count and the
 * inspection state, kept up to date from the server's `qtasks/status`.
 */

import * as vscode from "vscode";

import { ServerStatus } from "./protocol";
import { summarizeStatus, SummarySeverity } from "./statusSummary";

const SEVERITIES: Record<SummarySeverity, vscode.LanguageStatusSeverity> = {
  information: vscode.LanguageStatusSeverity.Information,
  warning: vscode.LanguageStatusSeverity.Warning,
  error: vscode.LanguageStatusSeverity.Error,
};

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private latest: ServerStatus | undefined;

  constructor(showStatusCommand: string) {
    this.item = vscode.languages.createLanguageStatusItem("qtasks.status", {
      language: "python",
    });
    this.item.name = "QTasks";
    this.item.command = { title: "Details", command: showStatusCommand };
    this.starting();
  }

  /** The last status the server sent, if any. */
  get status(): ServerStatus | undefined {
    return this.latest;
  }

  starting(): void {
    this.item.text = "QTasks: starting";
    this.item.detail = "";
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    this.item.busy = true;
  }

  update(status: ServerStatus): void {
    this.latest = status;
    const summary = summarizeStatus(status);
    this.item.text = summary.text;
    this.item.detail = summary.detail;
    this.item.severity = SEVERITIES[summary.severity];
    this.item.busy = summary.busy;
  }

  failed(message: string): void {
    this.item.text = "QTasks: server not running";
    this.item.detail = message;
    this.item.severity = vscode.LanguageStatusSeverity.Error;
    this.item.busy = false;
  }

  dispose(): void {
    this.item.dispose();
  }
}
