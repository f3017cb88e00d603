// Runs before `npm test` and `npm run demo`: on a fresh checkout, installs the locked
// dependencies first (`npm ci`), so that each of the two quickstart commands works on its own.
// When they are already installed it does nothing.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const installed = ["typescript", "vitest", "@pulumi/pulumi", "openai"].every((name) =>
  existsSync(join(root, "node_modules", name, "package.json")),
);
if (!installed) {
  console.log("Dependencies are not installed yet: running `npm ci` first.");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  process.exit(result.status ?? 1);
}
