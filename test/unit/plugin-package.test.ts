import { execFileSync } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { REPO_ROOT } from "../support/repo";

test("the npm package ships the plugin executable and the build it runs", () => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
    bin: Record<string, string>;
  };
  expect(manifest.bin["pulumi-resource-openai-batch"]).toBe("bin/pulumi-resource-openai-batch");
  accessSync(join(REPO_ROOT, "bin", "pulumi-resource-openai-batch"), constants.X_OK);
  const [pack] = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  ) as { files: { path: string; mode: number }[] }[];
  const files = new Map(pack?.files.map((file) => [file.path, file.mode]));
  expect(files.has("dist/provider/plugin/main.js")).toBe(true);
  const mode = files.get("bin/pulumi-resource-openai-batch");
  expect(mode).toBeDefined();
  expect((mode ?? 0) & 0o111).not.toBe(0);
}, 60_000);
