/**
 * The interpreter selected in the Python extension (ms-python.python), read
 * through its published API. The Python extension is optional: without it
 * there is no selected interpreter and no change event.
 */

import { PythonExtension } from "@vscode/python-extension";
import * as vscode from "vscode";

const PYTHON_EXTENSION_ID = "ms-python.python";

export class EditorInterpreter implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private subscription: vscode.Disposable | undefined;

  /** Fires when the user selects another interpreter in the Python extension. */
  readonly onDidChange = this.changed.event;

  private constructor(
    private readonly api: PythonExtension | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = api?.environments.onDidChangeActiveEnvironmentPath(() =>
      this.changed.fire(),
    );
  }

  /** Connect to the Python extension if it is installed. */
  static async connect(log: vscode.LogOutputChannel): Promise<EditorInterpreter> {
    if (!vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) {
      log.info("Python extension not installed: no editor-selected interpreter");
      return new EditorInterpreter(undefined, log);
    }
    try {
      return new EditorInterpreter(await PythonExtension.api(), log);
    } catch (error) {
      log.warn(`Python extension API unavailable: ${String(error)}`);
      return new EditorInterpreter(undefined, log);
    }
  }

  /** The executable of the interpreter selected for `resource`, if any. */
  async selected(resource?: vscode.Uri): Promise<string | undefined> {
    if (!this.api) {
      return undefined;
    }
    try {
      const active = this.api.environments.getActiveEnvironmentPath(resource);
      const resolved = await this.api.environments.resolveEnvironment(active);
      return resolved?.executable.uri?.fsPath ?? active.path;
    } catch (error) {
      this.log.warn(`could not read the selected interpreter: ${String(error)}`);
      return undefined;
    }
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}
