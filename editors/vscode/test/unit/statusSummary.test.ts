/** What the language status item shows for the server's `qtasks/status`. */

import * as assert from "node:assert/strict";

import { AppStatus } from "../../src/protocol";
import { summarizeStatus } from "../../src/statusSummary";

const shop: AppStatus = { spec: "shop.app:app", state: "ready", taskCount: 8 };

describe("summarizeStatus", () => {
  it("shows the app and its task count when ready", () => {
    assert.deepEqual(summarizeStatus({ apps: [shop] }), {
      text: "shop.app:app: 8 tasks",
      detail: "ready",
      severity: "information",
      busy: false,
    });
  });

  it("is busy while inspecting", () => {
    const summary = summarizeStatus({ apps: [{ ...shop, state: "inspecting" }] });

    assert.equal(summary.busy, true);
    assert.equal(summary.detail, "inspecting");
  });

  it("names restricted mode and static-only states", () => {
    const untrusted = summarizeStatus({ apps: [{ ...shop, state: "untrusted" }] });
    const fromSource = summarizeStatus({ apps: [{ ...shop, state: "static", taskCount: 1 }] });

    assert.equal(untrusted.detail, "static only (restricted mode)");
    assert.equal(fromSource.text, "shop.app:app: 1 task");
    assert.equal(fromSource.detail, "static only");
  });

  it("shows the error of a failed inspection", () => {
    const summary = summarizeStatus({
      apps: [{ ...shop, state: "error", taskCount: 0, lastError: "No module named 'redis'" }],
    });

    assert.equal(summary.severity, "error");
    assert.equal(summary.detail, "error: No module named 'redis'");
  });

  it("adds up several apps and shows the worst state", () => {
    const summary = summarizeStatus({
      apps: [shop, { spec: "shop.admin:app", state: "stale", taskCount: 3 }],
    });

    assert.equal(summary.text, "2 apps: 11 tasks");
    assert.equal(summary.severity, "warning");
    assert.equal(summary.detail, "stale");
  });

  it("asks for qtasks.app when the server found no app", () => {
    const summary = summarizeStatus({ apps: [] });

    assert.equal(summary.text, "QTasks: no app found");
    assert.equal(summary.severity, "warning");
  });
});
