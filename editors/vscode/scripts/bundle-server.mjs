// Installs the qtasks-lsp server and its pure-Python dependencies into
// bundled/libs, which the extension puts on PYTHONPATH when it launches the
// server: users then need nothing installed but qtasks in their project.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const extensionDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(extensionDir, "..", "..");
const target = join(extensionDir, "bundled", "libs");
const python = process.env.QTASKS_BUNDLE_PYTHON || "python3";
const pip = ["-m", "pip", "install", "--quiet", "--no-compile", "--disable-pip-version-check",
  "--target", target];

function run(args, env = process.env) {
  console.log(`${python} ${args.join(" ")}`);
  const result = spawnSync(python, args, { stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`bundling the server failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

/** Files of compiled extensions: they would tie the bundle to one Python version. */
function compiledFiles(folder) {
  return readdirSync(folder, { recursive: true }).filter((name) => /\.(so|pyd)$/.test(name));
}

rmSync(target, { recursive: true, force: true });
run([...pip, repoRoot]);
// tomli serves Python 3.10 only; its pure-Python wheel, so one build serves all.
run([...pip, "--upgrade", "--no-deps", "--only-binary=:all:", "--implementation", "py",
  "--platform", "any", "--python-version", "3.10", "tomli"]);
rmSync(join(target, "bin"), { recursive: true, force: true });

const compiled = compiledFiles(target);
if (compiled.length > 0) {
  console.error(`bundled/libs must be pure Python, found: ${compiled.join(", ")}`);
  process.exit(1);
}

// The bundle must serve alone: import the server without site-packages (-S).
run(["-S", "-c", "import qtasks_lsp.server"], {
  ...process.env,
  PYTHONPATH: target,
  PYTHONDONTWRITEBYTECODE: "1",
});
