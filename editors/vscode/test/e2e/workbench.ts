/**
 * Drives the VS Code workbench in Chromium the way a user does: explorer
 * clicks, cursor placement, keyboard shortcuts and the command palette.
 */

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Browser, chromium, Frame, Locator, Page } from "playwright-core";

const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** How long VS Code's hovers take to fade in; screenshots wait for it. */
const FADE_IN_MS = 500;

export async function launchBrowser(): Promise<Browser> {
  const executablePath =
    process.env.CHROMIUM_PATH ??
    execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();

  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true });
}

export class Workbench {
  constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string, folder: string): Promise<Workbench> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    await page.locator(".explorer-viewlet .monaco-list-row").first().waitFor({ timeout: 60_000 });

    return new Workbench(page);
  }

  /** Open a file of the workspace through the explorer, e.g. ["shop", "checkout.py"]. */
  async openFile(parts: string[]): Promise<void> {
    for (const [index, name] of parts.entries()) {
      const row = this.page
        .locator(".explorer-viewlet .monaco-list-row")
        .filter({ has: this.page.locator(".label-name", { hasText: new RegExp(`^${name}$`) }) })
        .first();
      await row.waitFor({ timeout: 20_000 });
      const expanded = await row.getAttribute("aria-expanded");
      const isFile = index === parts.length - 1;
      if (isFile || expanded !== "true") {
        await row.click();
      }
    }
    const tab = this.page.locator(".tabs-container .tab", { hasText: parts[parts.length - 1] });
    await tab.first().waitFor({ timeout: 20_000 });
  }

  /** Close an editor that VS Code opened as a modal dialog (e.g. Workspace Trust). */
  async closeModalEditor(): Promise<void> {
    const modal = this.page.locator(".monaco-modal-editor-block");
    await this.page.keyboard.press("Escape");
    if (await modal.isVisible()) {
      await modal.locator(".codicon-close, .codicon-close-all").first().click({ timeout: 5_000 });
    }
    await modal.waitFor({ state: "hidden", timeout: 10_000 });
  }

  /** Make the editor of an open file the active one by clicking its tab. */
  async focusTab(name: string): Promise<void> {
    await this.page.locator(".part.editor .tab", { hasText: name }).first().click();
  }

  /** Put the cursor at a 1-based line and column with "Go to Line/Column" (Ctrl+G). */
  async goTo(line: number, column: number): Promise<void> {
    await this.page.locator(".editor-instance .view-lines").first().click();
    await this.page.keyboard.press("Control+G");
    const input = this.page.locator(".quick-input-widget input");
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press("Enter");
    await this.page
      .locator(".statusbar-item", { hasText: `Ln ${line}, Col ${column}` })
      .first()
      .waitFor({ timeout: 10_000 });
  }

  /** Ask VS Code for the hover at the cursor (Ctrl+K Ctrl+I) until `expected` shows. */
  async hoverAtCursor(expected: RegExp, timeoutMs: number): Promise<Locator> {
    const hover = this.page.locator(".monaco-hover:not(.hidden)").filter({ hasText: expected });
    await retry(timeoutMs, async () => {
      await this.page.keyboard.press("Escape");
      await this.page.keyboard.press("Control+K");
      await this.page.keyboard.press("Control+I");
      await hover.first().waitFor({ timeout: 3_000 });
    });
    await this.page.waitForTimeout(FADE_IN_MS);

    return hover.first();
  }

  /** Type at the end of the file on a new line. */
  async typeOnNewLastLine(text: string): Promise<void> {
    await this.page.keyboard.press("Control+End");
    await this.page.keyboard.press("End");
    await this.page.keyboard.press("Enter");
    await this.page.keyboard.type(text, { delay: 40 });
  }

  /** The labels of the suggest widget once it lists every one of `expected`. */
  async completionLabels(expected: string[], timeoutMs: number): Promise<string[]> {
    const rows = this.page.locator(".suggest-widget.visible .monaco-list-row");
    let labels: string[] = [];
    await retry(timeoutMs, async () => {
      if (!(await rows.first().isVisible())) {
        await this.page.keyboard.press("Control+Space");
      }
      await rows.first().waitFor({ timeout: 3_000 });
      labels = await rows.locator(".label-name").allInnerTexts();
      const missing = expected.filter((name) => !labels.some((label) => label.includes(name)));
      if (missing.length > 0) {
        throw new Error(`completion lacks ${missing.join(", ")}; it shows ${labels.join(", ")}`);
      }
    });

    return labels;
  }

  /** Run a command from the palette by its title. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press("Escape");
    await this.page.keyboard.press("F1");
    const input = this.page.locator(".quick-input-widget input");
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${title}`);
    const item = this.page
      .locator(".quick-input-widget .monaco-list-row", { hasText: title })
      .first();
    await item.waitFor({ timeout: 10_000 });
    await this.page.keyboard.press("Enter");
  }

  /** The frame of a webview (e.g. a markdown preview) whose text matches `expected`. */
  async frameWithText(expected: RegExp, timeoutMs: number): Promise<Frame> {
    let found: Frame | undefined;
    await retry(timeoutMs, async () => {
      const webviews = this.page.frames().filter((frame) => frame !== this.page.mainFrame());
      for (const frame of webviews) {
        const text = await frame
          .locator("body")
          .innerText({ timeout: 1_000 })
          .catch(() => "");
        if (expected.test(text)) {
          found = frame;
          return;
        }
      }
      throw new Error(`no frame shows ${expected}`);
    });

    return found as Frame;
  }

  /** Save a screenshot of the whole window. */
  async screenshotPage(file: string): Promise<void> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file }).catch(() => undefined);
  }

  /** Hide the side bar to give the editors the whole width. */
  async hideSideBar(): Promise<void> {
    if (await this.page.locator(".part.sidebar").isVisible()) {
      await this.page.keyboard.press("Control+B");
    }
  }

  /** Save a screenshot of the editor area and of `extra` (a hover reaching past it). */
  async screenshot(file: string, extra?: Locator): Promise<void> {
    const parts = [this.page.locator(".part.editor")];
    await this.screenshotOf(file, extra ? [...parts, extra] : parts);
  }

  /** Save a screenshot of the smallest rectangle that holds every one of `parts`. */
  async screenshotOf(file: string, parts: Locator[], margin = 0): Promise<void> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const boxes = await Promise.all(parts.map((part) => part.boundingBox()));
    const known = boxes.filter((box): box is NonNullable<typeof box> => box !== null);
    const viewport = this.page.viewportSize() ?? { width: 1280, height: 760 };
    const left = Math.max(0, Math.min(...known.map((box) => box.x)) - margin);
    const top = Math.max(0, Math.min(...known.map((box) => box.y)) - margin);
    const right = Math.min(
      viewport.width,
      Math.max(...known.map((box) => box.x + box.width)) + margin,
    );
    const bottom = Math.min(
      viewport.height,
      Math.max(...known.map((box) => box.y + box.height)) + margin,
    );
    await this.page.screenshot({
      path: file,
      clip: { x: left, y: top, width: right - left, height: bottom - top },
    });
  }

  /** Open the language status of the active editor; returns its hover. */
  async openLanguageStatus(expected: RegExp, timeoutMs: number): Promise<Locator> {
    const hover = this.page.locator(".hover-language-status").filter({ hasText: expected });
    await retry(timeoutMs, async () => {
      await this.page.keyboard.press("Escape");
      await this.page.locator('[id="status.languageStatus"]').click({ timeout: 3_000 });
      await hover.first().waitFor({ timeout: 3_000 });
    });
    await this.page.waitForTimeout(FADE_IN_MS);

    return hover.first();
  }

  /** Run a command that opens a quick pick, and accept the row that shows `label`. */
  async pickFromCommand(title: string, label: string): Promise<void> {
    const row = this.page.locator(".quick-input-widget .monaco-list-row", { hasText: label });
    // A webview that takes the focus late closes the quick pick: open it again then.
    await retry(30_000, async () => {
      await this.runCommand(title);
      await row.first().waitFor({ timeout: 5_000 });
      await row.first().click({ timeout: 3_000 });
    });
  }
}

/** Run `attempt` until it succeeds or `timeoutMs` passes; rethrow its last error. */
export async function retry(timeoutMs: number, attempt: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
