// Runs before `npm test`, after ensure-installed: the end-to-end tests run against the real Pulumi
// engine, so it is built here when it is missing (once; a few minutes), exactly as `npm run demo`
// does. With SKIP_E2E=1 the end-to-end layer is left out on purpose and nothing is built.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (process.env.SKIP_E2E === "1") {
  console.log("SKIP_E2E=1: the end-to-end tests are left out, so the Pulumi engine is not needed.");
  process.exit(0);
}
const result = spawnSync("bash", [join(root, "scripts", "ensure-pulumi-cli.sh")], {
  cwd: root,
  stdio: ["ignore", "ignore", "inherit"],
});
if (result.status !== 0) {
  console.error(
    [
      "",
      "npm test runs the end-to-end tests against the real Pulumi engine, and the engine could not be",
      "built (the reason is above). Fix that and run `npm test` again (`bash scripts/ensure-pulumi-cli.sh`",
      "builds it alone), or leave the end-to-end layer out on purpose with `SKIP_E2E=1 npm test`.",
    ].join("\n"),
  );
  process.exit(1);
}
