import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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

test("in a checkout that is not built, the plugin says in one line to build it, with no stack trace", () => {
  const checkout = mkdtempSync(join(tmpdir(), "unbuilt-checkout-"));
  try {
    mkdirSync(join(checkout, "bin"));
    copyFileSync(
      join(REPO_ROOT, "bin", "pulumi-resource-openai-batch"),
      join(checkout, "bin", "pulumi-resource-openai-batch"),
    );
    const run = spawnSync(
      process.execPath,
      [join(checkout, "bin", "pulumi-resource-openai-batch"), "127.0.0.1:1"],
      {
        encoding: "utf8",
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("the plugin is not built");
    expect(lines[0]).toContain("run `npm ci && npm run build` there");
    expect(lines[0]).toContain("pulumi plugin install resource openai-batch <version> --file <archive>");
  } finally {
    rmSync(checkout, { recursive: true, force: true });
  }
});
