/**
 * Entry point of the QTasks extension: wires the server, the status item, the
 * markdown view and the commands together, and restarts the server when its
 * interpreter, a `qtasks.*` setting or the workspace trust changes.
 */

import * as vscode from "vscode";

import { COMMANDS, registerCommands } from "./commands";
import { SECTION } from "./configuration";
import { MarkdownView, SCHEME } from "./markdownView";
import { EditorInterpreter } from "./pythonExtension";
import { QtasksServer } from "./server";
import { StatusItem } from "./statusItem";

let server: QtasksServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("QTasks", { log: true });
  const statusItem = new StatusItem(COMMANDS.showStatus);
  const view = new MarkdownView();
  const editorInterpreter = await EditorInterpreter.connect(output);
  server = new QtasksServer(context.extensionPath, output, editorInterpreter, {
    onStatus: (status) => statusItem.update(status),
    onStartFailed: (message) => {
      statusItem.failed(message);
      void vscode.window.showErrorMessage(`QTasks: ${message}`);
    },
  });
  const restart = (reason: string): void => {
    output.info(`restarting the server: ${reason}`);
    statusItem.starting();
    void server?.restart();
  };

  context.subscriptions.push(
    output,
    statusItem,
    view,
    editorInterpreter,
    server,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, view),
    ...registerCommands({ server, view, output, latestStatus: () => statusItem.status }),
    editorInterpreter.onDidChange(() => restart("the selected interpreter changed")),
    vscode.workspace.onDidGrantWorkspaceTrust(() => restart("the workspace is trusted")),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SECTION)) {
        restart("a qtasks setting changed");
      }
    }),
  );

  await server.restart();
}

export async function deactivate(): Promise<void> {
  await server?.dispose();
  server = undefined;
}
