/**
 * Launches qtasks-lsp over stdio with the chosen interpreter and the server's
 * bundled libraries on PYTHONPATH, and restarts it one restart at a time.
 */

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import {
  ConfigurationParams,
  ConfigurationRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from "vscode-languageclient/node";

import { firstFolder, readUserSettings, SECTION, serverSettingsFor } from "./configuration";
import { chooseInterpreter, InterpreterChoice, locateExecutable } from "./interpreter";
import { ServerStatus, STATUS_NOTIFICATION } from "./protocol";
import { EditorInterpreter } from "./pythonExtension";
import { RestartQueue } from "./restartQueue";
import { buildInitializationOptions } from "./settings";

export interface ServerEvents {
  onStatus(status: ServerStatus): void;
  onStartFailed(message: string): void;
}

export class QtasksServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly restarts: RestartQueue;

  constructor(
    private readonly extensionPath: string,
    private readonly output: vscode.LogOutputChannel,
    private readonly editorInterpreter: EditorInterpreter,
    private readonly events: ServerEvents,
  ) {
    this.restarts = new RestartQueue(
      () => this.stopThenStart(),
      (error) => this.output.error(`restart failed: ${String(error)}`),
    );
  }

  /** Start or restart the server; requests made during a restart collapse into one. */
  restart(): Promise<void> {
    return this.restarts.request();
  }

  /** Run a server command (`workspace/executeCommand`) and return its result. */
  async executeCommand<T>(command: string, args: unknown[] = []): Promise<T> {
    const client = this.client;
    if (!client || client.state !== State.Running) {
      throw new Error("the QTasks server is not running; run 'QTasks: Restart Server'");
    }

    return client.sendRequest("workspace/executeCommand", { command, arguments: args });
  }

  async dispose(): Promise<void> {
    await this.stop();
  }

  private async stopThenStart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      this.output.info("stopping the server");
      await client.dispose(2000).catch((error) => {
        this.output.warn(`server did not stop cleanly: ${String(error)}`);
      });
    }
  }

  private async start(): Promise<void> {
    const folder = firstFolder();
    const editorPython = await this.editorInterpreter.selected(folder?.uri);
    const setting = readUserSettings(folder?.uri, vscode.workspace.isTrusted).python;
    const interpreter = chooseInterpreter({
      setting: typeof setting === "string" ? setting : undefined,
      editorPython,
      workspaceFolder: folder?.uri.fsPath,
      homeDir: os.homedir(),
    });
    const initializationOptions = buildInitializationOptions(
      serverSettingsFor(folder?.uri),
      editorPython,
    );
    // Checked here so that a missing interpreter gives one message that says
    // what to change; Windows' PATHEXT lookup is left to the client.
    const missing =
      process.platform !== "win32" && !locateExecutable(interpreter.command, process.env.PATH);
    if (missing) {
      this.reportStartFailure(interpreter, "no such executable");
      return;
    }
    this.output.info(
      `starting the server with ${interpreter.command} (from ${interpreter.source}), ` +
        `workspace ${vscode.workspace.isTrusted ? "trusted" : "restricted"}`,
    );

    const client = new LanguageClient(
      "qtasks",
      "QTasks",
      this.serverOptions(interpreter),
      this.clientOptions(initializationOptions),
    );
    client.onNotification(STATUS_NOTIFICATION, (status: ServerStatus) =>
      this.events.onStatus(status),
    );
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      this.reportStartFailure(interpreter, error instanceof Error ? error.message : String(error));
    }
  }

  private reportStartFailure(interpreter: InterpreterChoice, reason: string): void {
    const fix =
      interpreter.source === "setting"
        ? "Check the qtasks.python setting."
        : "Set qtasks.python to a Python 3.10+ interpreter.";
    const message = `could not start qtasks-lsp with ${interpreter.command}: ${reason}. ${fix}`;
    this.output.error(message);
    this.events.onStartFailed(message);
  }

  private serverOptions(interpreter: InterpreterChoice): ServerOptions {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: "1" };
    const libs = path.join(this.extensionPath, "bundled", "libs");
    if (fs.existsSync(libs)) {
      env.PYTHONPATH = [libs, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
    } else {
      this.output.warn(`${libs} is missing: qtasks_lsp must be installed in ${interpreter.command}`);
    }

    return {
      command: interpreter.command,
      args: ["-m", "qtasks_lsp"],
      options: { env, cwd: firstFolder()?.uri.fsPath },
    };
  }

  private clientOptions(initializationOptions: object): LanguageClientOptions {
    return {
      documentSelector: [
        { scheme: "file", language: "python" },
        { scheme: "untitled", language: "python" },
      ],
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions,
      middleware: {
        workspace: {
          configuration: answerConfiguration,
        },
      },
    };
  }
}

/** Answer `workspace/configuration` for section `qtasks` with the server's settings shape. */
function answerConfiguration(
  params: ConfigurationParams,
  token: vscode.CancellationToken,
  next: ConfigurationRequest.HandlerSignature,
): ReturnType<ConfigurationRequest.HandlerSignature> {
  if (!params.items.every((item) => item.section === SECTION)) {
    return next(params, token);
  }

  return params.items.map((item) =>
    serverSettingsFor(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined),
  );
}
