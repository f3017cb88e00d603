import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { installPackedPackage } from "../support/packed-package";

const SECRET_KEY = `sk-serialization-${randomBytes(12).toString("hex")}`;

describe("the serialized provider, from the packed tarball installed in a project", () => {
  let project: string;
  let text: string;

  beforeAll(() => {
    project = installPackedPackage();
    const script = join(__dirname, "serialize-batch.cjs");
    const out = execFileSync(process.execPath, [script], {
      cwd: project,
      env: {
        PATH: process.env.PATH,
        NODE_PATH: join(project, "node_modules"),
        OPENAI_API_KEY: SECRET_KEY,
        PULUMI_CONFIG: JSON.stringify({ "openai:apiKey": SECRET_KEY }),
      },
      encoding: "utf8",
    });
    text = (JSON.parse(out) as { provider: string }).provider;
  }, 180_000);

  test("is under 4 KB", () => {
    expect(Buffer.byteLength(text)).toBeLessThan(4096);
  });

  test("requires the implementation by package name, and nothing else", () => {
    const requires = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(["pulumi-openai-batch/runtime"]));
    expect(requires).toHaveLength(7);
  });

  test("holds no key and no path of this machine", () => {
    expect(text).not.toContain(SECRET_KEY);
    expect(text).not.toContain(project);
    expect(text).not.toContain("node_modules");
  });

  test("loads as the host loads it and reaches the installed implementation", async () => {
    const requireFromProject = createRequire(join(project, "package.json"));
    const requireFromString = requireFromProject("require-from-string") as never as (
      code: string,
      filename: string,
    ) => { handler(): Record<string, (...args: unknown[]) => Promise<unknown>> };
    const provider = requireFromString(text, join(project, "serialized.js")).handler();
    expect(Object.keys(provider).sort()).toEqual([
      "check",
      "configure",
      "create",
      "delete",
      "diff",
      "read",
      "update",
    ]);
    const checked = (await provider.check!({}, { endpoint: "/v1/embeddings", inputFileId: "file-1" })) as {
      failures: unknown[];
      inputs: Record<string, unknown>;
    };
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.endpoint).toBe("/v1/embeddings");
  });
});
