/** The settings object and initializationOptions the extension sends to the server. */

import * as assert from "node:assert/strict";

import { buildInitializationOptions, buildServerSettings } from "../../src/settings";

const trusted = { trusted: true, workspaceFolder: "/work/shop", homeDir: "/home/ada" };

describe("buildServerSettings", () => {
  it("sends only `trusted` when the user set nothing", () => {
    assert.deepEqual(buildServerSettings({}, trusted), { trusted: true });
  });

  it("sends every setting the user set, in the server's shape", () => {
    const settings = buildServerSettings(
      {
        app: "shop.app:app",
        python: "${workspaceFolder}/.venv/bin/python",
        extraPaths: ["src", "/opt/shared"],
        envFile: ".env",
        inspectionEnabled: false,
        inspectionTimeout: 30,
        logLevel: "debug",
      },
      trusted,
    );

    assert.deepEqual(settings, {
      app: "shop.app:app",
      python: "/work/shop/.venv/bin/python",
      extraPaths: ["/work/shop/src", "/opt/shared"],
      envFile: "/work/shop/.env",
      inspection: { enabled: false, timeout: 30 },
      logLevel: "debug",
      trusted: true,
    });
  });

  it("reports a restricted workspace as trusted: false", () => {
    const settings = buildServerSettings({ app: "shop.app:app" }, { ...trusted, trusted: false });

    assert.deepEqual(settings, { app: "shop.app:app", trusted: false });
  });

  it("keeps a list of apps and drops its blank entries", () => {
    const settings = buildServerSettings(
      { app: ["shop.app:app", " ", "shop.admin:create_app"] },
      trusted,
    );

    assert.deepEqual(settings.app, ["shop.app:app", "shop.admin:create_app"]);
  });

  it("leaves out blank or malformed values so lower sources apply", () => {
    const settings = buildServerSettings(
      {
        app: "  ",
        python: "",
        extraPaths: [],
        envFile: 3,
        inspectionEnabled: "yes",
        inspectionTimeout: -1,
        logLevel: "verbose",
      },
      trusted,
    );

    assert.deepEqual(settings, { trusted: true });
  });

  it("keeps a bare interpreter name for PATH lookup", () => {
    const settings = buildServerSettings({ python: "python3.12" }, trusted);

    assert.equal(settings.python, "python3.12");
  });

  it("sends the inspection timeout alone when only it is set", () => {
    const settings = buildServerSettings({ inspectionTimeout: 2.5 }, trusted);

    assert.deepEqual(settings.inspection, { timeout: 2.5 });
  });
});

describe("buildInitializationOptions", () => {
  it("adds the editor's interpreter as editorPython", () => {
    const options = buildInitializationOptions(
      { app: "shop.app:app", trusted: true },
      "/work/shop/.venv/bin/python",
    );

    assert.deepEqual(options, {
      app: "shop.app:app",
      trusted: true,
      editorPython: "/work/shop/.venv/bin/python",
    });
  });

  it("omits editorPython when the editor has selected none", () => {
    assert.deepEqual(buildInitializationOptions({ trusted: false }, undefined), {
      trusted: false,
    });
  });
});
