/** Which interpreter launches the server, for each combination of sources. */

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { chooseInterpreter, expandPath, locateExecutable } from "../../src/interpreter";

const folder = "/home/ada/shop";
const home = "/home/ada";

describe("chooseInterpreter", () => {
  it("takes qtasks.python over the interpreter selected in the editor", () => {
    const choice = chooseInterpreter({
      setting: "/opt/py311/bin/python",
      editorPython: "/usr/bin/python3.12",
      workspaceFolder: folder,
    });

    assert.deepEqual(choice, { command: "/opt/py311/bin/python", source: "setting" });
  });

  it("takes the editor's interpreter when qtasks.python is unset or blank", () => {
    for (const setting of [undefined, "", "   "]) {
      const choice = chooseInterpreter({ setting, editorPython: "/srv/venv/bin/python" });

      assert.deepEqual(choice, { command: "/srv/venv/bin/python", source: "pythonExtension" });
    }
  });

  it("falls back to python3 when neither is known", () => {
    assert.deepEqual(chooseInterpreter({}), { command: "python3", source: "default" });
    assert.deepEqual(chooseInterpreter({ setting: " ", editorPython: "" }), {
      command: "python3",
      source: "default",
    });
  });

  it("resolves a relative qtasks.python against the workspace folder", () => {
    const choice = chooseInterpreter({ setting: ".venv/bin/python", workspaceFolder: folder });

    assert.equal(choice.command, "/home/ada/shop/.venv/bin/python");
  });
});

describe("expandPath", () => {
  const cases: Array<[string, string]> = [
    ["${workspaceFolder}/.venv/bin/python", "/home/ada/shop/.venv/bin/python"],
    ["~/envs/shop/bin/python", "/home/ada/envs/shop/bin/python"],
    ["${userHome}/.pyenv/shims/python", "/home/ada/.pyenv/shims/python"],
    ["python3.12", "python3.12"],
    ["/usr/bin/python3", "/usr/bin/python3"],
    ["src", "src"],
    ["./src", "/home/ada/shop/src"],
    ["  ~  ", "/home/ada"],
  ];

  for (const [value, expected] of cases) {
    it(`expands ${JSON.stringify(value)} to ${expected}`, () => {
      assert.equal(expandPath(value, folder, home), expected);
    });
  }

  it("leaves variables alone when there is no workspace folder", () => {
    assert.equal(expandPath("${workspaceFolder}/py", undefined, home), "${workspaceFolder}/py");
  });
});

describe("locateExecutable", () => {
  let bin: string;
  let python: string;

  before(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), "qtasks-bin-"));
    python = path.join(bin, "python3.11");
    fs.writeFileSync(python, "#!/bin/sh\n", { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "notes.txt"), "not a program", { mode: 0o644 });
    fs.mkdirSync(path.join(bin, "python-folder"));
  });

  after(() => fs.rmSync(bin, { recursive: true, force: true }));

  it("finds a bare command on PATH", () => {
    const searchPath = ["/nonexistent", bin].join(path.delimiter);

    assert.equal(locateExecutable("python3.11", searchPath), python);
  });

  it("accepts an executable given by its path", () => {
    assert.equal(locateExecutable(python, undefined), python);
  });

  it("rejects missing files, files that are not executable, and folders", () => {
    assert.equal(locateExecutable("/nonexistent/python3", process.env.PATH), undefined);
    assert.equal(locateExecutable("python3.11", "/nonexistent"), undefined);
    assert.equal(locateExecutable(path.join(bin, "notes.txt"), undefined), undefined);
    assert.equal(locateExecutable("python-folder", bin), undefined);
  });
});
