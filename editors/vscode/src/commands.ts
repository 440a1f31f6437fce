/**
 * The commands of the palette: Inspect App, Restart Server, Show Output,
 * Select App, and Show Status (also what a click on the status item runs).
 */

import * as vscode from "vscode";

import { SECTION } from "./configuration";
import { MarkdownView } from "./markdownView";
import { AppStatus, InspectResult, SERVER_COMMANDS, ServerStatus } from "./protocol";
import { QtasksServer } from "./server";
import { stateLabel } from "./statusSummary";

export const COMMANDS = {
  inspectApp: "qtasks.inspectApp",
  restartServer: "qtasks.restartServer",
  showOutput: "qtasks.showOutput",
  selectApp: "qtasks.selectApp",
  showStatus: "qtasks.showStatus",
} as const;

export interface CommandContext {
  server: QtasksServer;
  view: MarkdownView;
  output: vscode.LogOutputChannel;
  latestStatus(): ServerStatus | undefined;
}

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  const { server, output } = context;
  const register = (id: string, run: () => Promise<unknown> | void): vscode.Disposable =>
    vscode.commands.registerCommand(id, () => reportErrors(output, id, run));

  return [
    register(COMMANDS.inspectApp, () => inspectApp(context)),
    register(COMMANDS.restartServer, () => server.restart()),
    register(COMMANDS.showOutput, () => output.show(true)),
    register(COMMANDS.selectApp, () => selectApp(context)),
    register(COMMANDS.showStatus, () => showStatus(context)),
  ];
}

async function inspectApp({ server, view }: CommandContext): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  const args = document?.languageId === "python" ? [document.uri.toString()] : [];
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: "QTasks: inspecting the app" },
    () => server.executeCommand<InspectResult | null>(SERVER_COMMANDS.inspectApp, args),
  );
  if (!result) {
    void vscode.window.showWarningMessage("QTasks: the server found no app to inspect.");
    return;
  }

  await view.show("QTasks Inspect App", result.markdown || result.text);
}

async function showStatus({ server, view }: CommandContext): Promise<void> {
  const status = await server.executeCommand<ServerStatus>(SERVER_COMMANDS.status);

  await view.show("QTasks Status", status.markdown || status.text || "");
}

async function selectApp(context: CommandContext): Promise<void> {
  const apps = await knownApps(context);
  const spec = apps.length > 0 ? await pickApp(apps) : await askForApp();
  if (!spec) {
    return;
  }
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      "QTasks: qtasks.app is saved, but Restricted Mode ignores it until you trust this workspace.",
    );
  }

  await vscode.workspace
    .getConfiguration(SECTION)
    .update("app", spec, vscode.ConfigurationTarget.Workspace);
}

async function knownApps({ server, latestStatus }: CommandContext): Promise<AppStatus[]> {
  const status =
    latestStatus() ?? (await server.executeCommand<ServerStatus>(SERVER_COMMANDS.status));

  return status.apps ?? [];
}

async function pickApp(apps: AppStatus[]): Promise<string | undefined> {
  const items = apps.map((app) => ({
    label: app.spec,
    description: `${app.taskCount ?? 0} tasks, ${stateLabel(app.state)}`,
    detail: app.root,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: "QTasks: Select App",
    placeHolder: "The app whose tasks hover, completion and checks use",
  });

  return picked?.label;
}

function askForApp(): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: "QTasks: Select App",
    prompt: "The server found no app. Enter it as module:attribute",
    placeHolder: "myproject.worker:app",
    validateInput: (value) => (value.includes(":") ? undefined : "Write it as module:attribute"),
  });
}

async function reportErrors(
  output: vscode.LogOutputChannel,
  id: string,
  run: () => Promise<unknown> | void,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output.error(`${id} failed: ${message}`);
    void vscode.window.showErrorMessage(`QTasks: ${message}`);
  }
}
