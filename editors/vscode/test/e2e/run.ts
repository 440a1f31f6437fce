/**
 * End-to-end test of the packaged extension in a real VS Code (code-server in
 * headless Chromium) on examples/shop: hover, completion, "QTasks: Inspect
 * App", and hover in Restricted Mode. Saves a screenshot of each under
 * test/e2e/screenshots/ and exits non-zero when a check fails.
 *
 * Environment: QTASKS_LSP_PYTHON (interpreter for the server and the project,
 * default python3), QTASKS_VSIX (default qtasks-lsp.vsix), E2E_TIMEOUT_S
 * (hard limit of the whole run, default 600), E2E_KEEP=1 keeps the run folder.
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Browser } from "playwright-core";

import { CodeServer, codeServerInstalled } from "./codeServer";
import { launchBrowser, retry, Workbench } from "./workbench";

const EXTENSION_DIR = path.resolve(__dirname, "..", "..", "..");
const REPO_ROOT = path.resolve(EXTENSION_DIR, "..", "..");
const SCREENSHOTS = path.join(EXTENSION_DIR, "test", "e2e", "screenshots");
const PYTHON = process.env.QTASKS_LSP_PYTHON ?? "python3";
const VSIX = path.resolve(EXTENSION_DIR, process.env.QTASKS_VSIX ?? "qtasks-lsp.vsix");
const HARD_TIMEOUT_S = Number(process.env.E2E_TIMEOUT_S ?? 600);
const SERVER_WAIT_MS = 90_000;
const CHECKOUT = "shop/checkout.py";

interface Outcome {
  name: string;
  error?: string;
}

type Scenario = (browser: Browser, server: CodeServer, folder: string) => Promise<void>;

const outcomes: Outcome[] = [];
let failureShots = "";
const cleanups: Array<() => Promise<void>> = [];

async function check(
  workbench: Workbench,
  name: string,
  body: () => Promise<void>,
): Promise<void> {
  const started = Date.now();
  try {
    await body();
    outcomes.push({ name });
    console.log(`PASS ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcomes.push({ name, error: message });
    console.log(`FAIL ${name}: ${message}`);
    const shot = path.join(failureShots, `failed-${outcomes.length}.png`);
    await workbench.screenshotPage(shot);
    console.log(`  window at the failure: ${shot}`);
  }
}

function editorSettings(): Record<string, unknown> {
  return {
    "qtasks.python": PYTHON,
    "qtasks.logLevel": "debug",
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "chat.commandCenter.enabled": false,
    "security.workspace.trust.startupPrompt": "never",
    "security.workspace.trust.emptyWindow": false,
    "extensions.ignoreRecommendations": true,
    "extensions.autoUpdate": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "git.enabled": false,
    "editor.minimap.enabled": false,
    "editor.hover.above": false,
    "files.autoSave": "off",
    "editor.fontSize": 14,
    "window.zoomLevel": 0,
  };
}

async function startEditor(
  runDir: string,
  name: string,
  trusted: boolean,
  extensionsDir: string,
  settings: Record<string, unknown> = {},
): Promise<{ server: CodeServer; folder: string }> {
  const home = path.join(runDir, name);
  const folder = path.join(home, "workspace", "shop");
  fs.cpSync(path.join(REPO_ROOT, "examples", "shop"), folder, { recursive: true });
  const server = await CodeServer.start({
    home,
    extensionsDir,
    folder,
    trusted,
    userSettings: { ...editorSettings(), ...settings },
  });
  cleanups.push(() => server.stop());
  console.log(`code-server (${name}) on ${server.url}, user data in ${server.userDataDir}`);

  return { server, folder };
}

async function trustedChecks(browser: Browser, server: CodeServer, folder: string): Promise<void> {
  const workbench = await Workbench.open(browser, server.url, folder);
  await workbench.openFile(CHECKOUT.split("/"));

  await check(workbench, "hover on a task name shows its card", async () => {
    await workbench.goTo(...positionIn(folder, CHECKOUT, "orders.process"));
    const hover = await workbench.hoverAtCursor(/data: inspected/, SERVER_WAIT_MS);
    const text = await hover.innerText();
    const card = ["orders.process", "Charge an order, then mail the receipt.", "retry: 2"];
    for (const expected of [...card, "app: shop.app:app"]) {
      if (!text.includes(expected)) {
        throw new Error(`hover lacks ${JSON.stringify(expected)}; it says: ${text}`);
      }
    }
    await workbench.screenshot(path.join(SCREENSHOTS, "hover.png"), hover);
  });

  await check(workbench, "completion in add_task lists the task names", async () => {
    await workbench.page.keyboard.press("Escape");
    await workbench.typeOnNewLastLine('app.add_task("');
    const expected = [
      "billing.charge",
      "refund",
      "emails.send",
      "orders.process",
      "ping",
      "photos.thumbnails",
      "cleanup_carts",
      "reports:daily",
    ];
    const labels = await workbench.completionLabels(expected, 30_000);
    console.log(`  completion offers: ${labels.join(", ")}`);
    await workbench.screenshot(path.join(SCREENSHOTS, "completion.png"));
    await workbench.page.keyboard.press("Escape");
  });

  await check(workbench, '"QTasks: Inspect App" shows the app summary and task table', async () => {
    await workbench.hideSideBar();
    await workbench.runCommand("QTasks: Inspect App");
    const frame = await workbench.frameWithText(/Tasks Count/, 60_000);
    const text = await frame.locator("body").innerText();
    for (const expected of ["Tasks Count", "billing.charge", "emails.send", "photos.thumbnails"]) {
      if (!text.includes(expected)) {
        throw new Error(`Inspect App view lacks ${JSON.stringify(expected)}; it says: ${text}`);
      }
    }
    if (!/Tasks Count\s+8\b/.test(text)) {
      throw new Error(`Inspect App view does not count 8 tasks; it says: ${text}`);
    }
    if ((await frame.locator("table").count()) < 2) {
      throw new Error("Inspect App view lacks the summary and task tables");
    }
    await frame
      .getByText("Tasks Count")
      .first()
      .evaluate((cell) => cell.scrollIntoView({ block: "start" }));
    await workbench.screenshot(path.join(SCREENSHOTS, "inspect-app.png"));
  });

  await check(workbench, "the language status shows the app, its tasks and its state", async () => {
    await workbench.focusTab("checkout.py");
    const hover = await workbench.openLanguageStatus(/shop\.app:app: 8 tasks/, 30_000);
    const text = await hover.innerText();
    if (!/ready/.test(text)) {
      throw new Error(`language status is not ready; it says: ${text}`);
    }
    await workbench.screenshotOf(path.join(SCREENSHOTS, "language-status.png"), [
      hover,
      workbench.page.locator('[id="status.languageStatus"]'),
    ], 60);
    await hover.getByText("Details").click();
    const frame = await workbench.frameWithText(/shop\.app:app.*8 tasks/, 30_000);
    const status = await frame.locator("body").innerText();
    if (!status.includes("ready")) {
      throw new Error(`QTasks Status view does not say ready; it says: ${status}`);
    }
  });

  await check(workbench, '"QTasks: Select App" saves qtasks.app and restarts the server', async () => {
    await workbench.focusTab("checkout.py");
    await workbench.pickFromCommand("QTasks: Select App", "shop.app:app");
    const settingsFile = path.join(folder, ".vscode", "settings.json");
    await retry(15_000, async () => {
      const saved = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, "utf8") : "";
      if (!/"qtasks\.app":\s*"shop\.app:app"/.test(saved)) {
        throw new Error(`${settingsFile} does not set qtasks.app: ${saved}`);
      }
    });
    await retry(30_000, async () => {
      const log = readLogs(server, /QTasks\.log$/);
      if (!/restarting the server: a qtasks setting changed/.test(log)) {
        throw new Error("the QTasks log does not show a restart after the setting changed");
      }
    });
    await workbench.focusTab("checkout.py");
    await workbench.goTo(...positionIn(folder, CHECKOUT, "orders.process"));
    await workbench.hoverAtCursor(/app: shop\.app:app/, SERVER_WAIT_MS);
  });

  await workbench.page.close();
}

async function restrictedChecks(
  browser: Browser,
  server: CodeServer,
  folder: string,
): Promise<void> {
  const workbench = await Workbench.open(browser, server.url, folder);
  await workbench.openFile(CHECKOUT.split("/"));

  await check(workbench, "in Restricted Mode hover works from source and says so", async () => {
    await workbench.goTo(...positionIn(folder, CHECKOUT, "orders.process"));
    const hover = await workbench.hoverAtCursor(/read from source/i, SERVER_WAIT_MS);
    const text = await hover.innerText();
    if (!text.includes("orders.process")) {
      throw new Error(`hover lacks the task name; it says: ${text}`);
    }
    await workbench.screenshotPage(path.join(SCREENSHOTS, "hover-restricted.png"));
  });

  await check(workbench, "in Restricted Mode the server is told trusted: false", async () => {
    const log = readLogs(server, /QTasks\.log$/);
    if (!/starting the server .* workspace restricted/.test(log)) {
      throw new Error(`the QTasks log does not say the workspace is restricted:\n${log}`);
    }
    const status = await workbench.openLanguageStatus(/restricted mode/, 30_000);
    const text = await status.innerText();
    if (!text.includes("shop.app:app: 8 tasks")) {
      throw new Error(`the language status lacks the app read from source: ${text}`);
    }
    await workbench.page.keyboard.press("Escape");
  });

  await check(workbench, "trusting the workspace restarts the server, which then inspects", async () => {
    await workbench.runCommand("Workspaces: Manage Workspace Trust");
    await workbench.page
      .locator(".workspace-trust-editor .monaco-button", { hasText: /^Trust$/ })
      .first()
      .click({ timeout: 15_000 });
    await workbench.closeModalEditor();
    await workbench.focusTab("checkout.py");
    await workbench.goTo(...positionIn(folder, CHECKOUT, "orders.process"));
    await workbench.hoverAtCursor(/data: inspected/, SERVER_WAIT_MS);
    const log = readLogs(server, /QTasks\.log$/);
    if (!/restarting the server: the workspace is trusted/.test(log)) {
      throw new Error("the QTasks log does not show a restart on trust");
    }
  });

  await workbench.page.close();
}

async function brokenInterpreterChecks(
  browser: Browser,
  server: CodeServer,
  folder: string,
): Promise<void> {
  const workbench = await Workbench.open(browser, server.url, folder);
  await workbench.openFile(CHECKOUT.split("/"));

  await check(workbench, "a missing interpreter is reported, with the setting to fix", async () => {
    const toast = workbench.page
      .locator(".notification-toast")
      .filter({ hasText: "could not start qtasks-lsp with /nonexistent/python3: no such" });
    await toast.first().waitFor({ timeout: 30_000 });
    const text = await toast.first().innerText();
    if (!text.includes("qtasks.python")) {
      throw new Error(`the error does not name the setting to fix: ${text}`);
    }
    const errors = await workbench.page.locator(".notification-toast").allInnerTexts();
    if (errors.length !== 1) {
      throw new Error(`expected one error message, saw ${errors.length}: ${errors.join(" | ")}`);
    }
    await workbench.screenshotPage(path.join(SCREENSHOTS, "missing-interpreter.png"));
    await workbench.openLanguageStatus(/server not running/, 30_000);
  });

  await workbench.page.close();
}

/** Line and column (1-based) of the middle of the first `text` in a file of the workspace. */
function positionIn(folder: string, file: string, text: string): [number, number] {
  const lines = fs.readFileSync(path.join(folder, file), "utf8").split("\n");
  const line = lines.findIndex((content) => content.includes(text));
  if (line < 0) {
    throw new Error(`${file} has no ${text}`);
  }

  return [line + 1, lines[line].indexOf(text) + Math.ceil(text.length / 2) + 1];
}

function failures(): number {
  return outcomes.filter((outcome) => outcome.error).length;
}

function readLogs(server: CodeServer, pattern: RegExp): string {
  return server
    .logFiles(pattern)
    .map((file) => `--- ${file}\n${fs.readFileSync(file, "utf8")}`)
    .join("\n");
}

function printLogs(server: CodeServer): void {
  const text = readLogs(server, /(QTasks\.log|remoteexthost\.log)$/);
  console.log(text.split("\n").slice(-120).join("\n"));
}

async function main(): Promise<number> {
  if (!codeServerInstalled()) {
    console.log("code-server is not installed: run scripts/install-tools.sh first");
    return 1;
  }
  if (!fs.existsSync(VSIX)) {
    console.log(`${VSIX} is missing: run npm run package first`);
    return 1;
  }

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "qtasks-vscode-e2e-"));
  failureShots = runDir;
  const extensionsDir = path.join(runDir, "extensions");
  console.log(CodeServer.installExtension(VSIX, path.join(runDir, "install"), extensionsDir));

  const browser = await launchBrowser();
  cleanups.push(() => browser.close());

  const scenarios: Array<[string, boolean, Record<string, unknown>, Scenario]> = [
    ["trusted", true, {}, trustedChecks],
    ["restricted", false, {}, restrictedChecks],
    ["broken", true, { "qtasks.python": "/nonexistent/python3" }, brokenInterpreterChecks],
  ];
  for (const [name, trusted, settings, scenario] of scenarios) {
    const failedBefore = failures();
    const editor = await startEditor(runDir, name, trusted, extensionsDir, settings);
    await scenario(browser, editor.server, editor.folder);
    if (failures() > failedBefore) {
      printLogs(editor.server);
    }
    await editor.server.stop();
  }

  const failed = failures();
  console.log(`${outcomes.length - failed} passed, ${failed} failed`);
  if (failed === 0 && process.env.E2E_KEEP !== "1") {
    cleanups.push(async () => fs.rmSync(runDir, { recursive: true, force: true }));
  } else {
    console.log(`run folder kept: ${runDir}`);
  }

  return failed === 0 ? 0 : 1;
}

async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error) => console.log(`cleanup: ${String(error)}`));
  }
  cleanups.length = 0;
}

const hardTimeout = setTimeout(() => {
  console.log(`e2e: hard timeout of ${HARD_TIMEOUT_S} s reached`);
  void cleanUp().finally(() => process.exit(2));
}, HARD_TIMEOUT_S * 1000);

void main()
  .catch((error) => {
    console.log(`e2e: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    return 1;
  })
  .then(async (code) => {
    await cleanUp();
    clearTimeout(hardTimeout);
    process.exit(code);
  });
