/**
 * Which Python interpreter launches the server: the `qtasks.python` setting,
 * else the interpreter selected in the Python extension, else `python3`.
 * Pure logic without `vscode`, so that unit tests cover every case.
 */

import * as fs from "fs";
import * as path from "path";

import { expandVariables, resolvePath } from "./paths";

export const DEFAULT_INTERPRETER = "python3";

export type InterpreterSource = "setting" | "pythonExtension" | "default";

export interface InterpreterInputs {
  /** The value of `qtasks.python`, as the user wrote it. */
  setting?: string;
  /** The interpreter the Python extension has selected for the workspace. */
  editorPython?: string;
  /** The folder that `${workspaceFolder}` and relative paths refer to. */
  workspaceFolder?: string;
  homeDir?: string;
}

export interface InterpreterChoice {
  command: string;
  source: InterpreterSource;
}

/** Pick the interpreter to launch the server with, highest source first. */
export function chooseInterpreter(inputs: InterpreterInputs): InterpreterChoice {
  const setting = inputs.setting?.trim();
  if (setting) {
    return {
      command: expandPath(setting, inputs.workspaceFolder, inputs.homeDir),
      source: "setting",
    };
  }

  const editorPython = inputs.editorPython?.trim();
  if (editorPython) {
    return { command: editorPython, source: "pythonExtension" };
  }

  return { command: DEFAULT_INTERPRETER, source: "default" };
}

/**
 * Expand an interpreter setting: variables as in paths.ts, and a relative path
 * that names a folder (`.venv/bin/python`) made absolute against the workspace
 * folder. A bare command name (`python3.12`) is left for PATH lookup.
 */
export function expandPath(value: string, workspaceFolder?: string, homeDir?: string): string {
  const expanded = expandVariables(value, workspaceFolder, homeDir);
  const namesAFolder = expanded.includes("/") || expanded.includes("\\");

  return namesAFolder ? resolvePath(expanded, workspaceFolder, homeDir) : expanded;
}

/**
 * The file that running `command` would execute: the path itself when it names
 * a folder, else the first match on `searchPath` (a PATH value). Undefined when
 * there is no such executable file.
 */
export function locateExecutable(command: string, searchPath: string | undefined): string | undefined {
  if (command.includes("/") || command.includes("\\")) {
    return isExecutableFile(command) ? command : undefined;
  }
  const folders = (searchPath ?? "").split(path.delimiter).filter(Boolean);

  return folders.map((folder) => path.join(folder, command)).find(isExecutableFile);
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
