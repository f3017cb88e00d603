import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { installPackedPackage } from "../support/packed-package";
import { REPO_ROOT } from "../support/repo";

const SECRET_KEY = `sk-serialization-${randomBytes(12).toString("hex")}`;
/** The one module the installed package's `__provider` requires: a path the package exports. */
const PROVIDER_MODULE = "pulumi-openai-batch/dist/provider/resource/serialized-provider.js";
/** The `__provider` text release 0.1.0 wrote, the provider's seven methods written out. */
const RELEASE_0_1_0_TEXT = readFileSync(join(__dirname, "fixtures", "provider-0.1.0.txt"), "utf8");

type Handler = Record<string, (...args: unknown[]) => Promise<unknown>>;

const SCRIPT = "serialize-batch.cjs";

/**
 * Serializes a `Batch` in a Node process started in `cwd`, with a key in its environment. The
 * script runs from `scriptDir`: Node resolves `@pulumi/pulumi` and the package from there.
 */
function serializeIn(cwd: string, scriptDir: string): string {
  const out = execFileSync(process.execPath, [join(scriptDir, SCRIPT)], {
    cwd,
    env: {
      PATH: process.env.PATH,
      NODE_PATH: join(cwd, "node_modules"),
      OPENAI_API_KEY: SECRET_KEY,
      PULUMI_CONFIG: JSON.stringify({ "openai:apiKey": SECRET_KEY }),
    },
    encoding: "utf8",
  });
  return (JSON.parse(out) as { provider: string }).provider;
}

/** Loads a `__provider` text as the dynamic-provider host does, from a project directory. */
function loadAsHost(text: string, project: string): Handler {
  const requireFromProject = createRequire(join(project, "package.json"));
  const requireFromString = requireFromProject("require-from-string") as never as (
    code: string,
    filename: string,
  ) => { handler(): Handler };
  return requireFromString(text, join(project, "serialized.js")).handler();
}

async function expectWorkingProvider(provider: Handler): Promise<void> {
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
}

describe("the serialized provider, from the packed tarball installed in a project", () => {
  let project: string;
  let text: string;

  beforeAll(() => {
    // The project's folder name holds the package's name on purpose: Pulumi's serializer then
    // cannot find the package's manifest and falls back to the module's path, which must be
    // the same exported path as when it can.
    project = installPackedPackage("pulumi-openai-batch-consumer-");
    // Run from the project, so that the installed package and its @pulumi/pulumi are loaded.
    copyFileSync(join(__dirname, SCRIPT), join(project, SCRIPT));
    text = serializeIn(project, project);
  }, 180_000);

  afterAll(() => {
    if (project !== undefined) rmSync(project, { recursive: true, force: true });
  });

  test("is one require of the provider module, under 512 bytes", () => {
    expect(Buffer.byteLength(text)).toBeLessThan(512);
    const requires = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(requires).toEqual([PROVIDER_MODULE]);
    expect(text).not.toContain("function __f1");
  });

  test("holds no key and no path of this machine", () => {
    expect(text).not.toContain(SECRET_KEY);
    expect(text).not.toContain(project);
    expect(text).not.toContain("node_modules");
  });

  test("loads as the host loads it and reaches the installed implementation", async () => {
    await expectWorkingProvider(loadAsHost(text, project));
  });
});

describe("the serialized provider, from a package that is not under node_modules", () => {
  let text: string;

  beforeAll(() => {
    // This checkout's own link (`file:.`) resolves to the repository: the serializer writes the
    // methods out, as it does for a bundled program.
    text = serializeIn(REPO_ROOT, __dirname);
  }, 60_000);

  test("is the text release 0.1.0 wrote, the seven methods requiring the implementation by name", () => {
    expect(text).toBe(RELEASE_0_1_0_TEXT);
    const requires = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(requires).toEqual(Array(7).fill("pulumi-openai-batch/runtime"));
  });

  test("holds no key and no path of this machine", () => {
    expect(text).not.toContain(SECRET_KEY);
    expect(text).not.toContain(REPO_ROOT);
    expect(text).not.toContain("node_modules");
  });

  test("loads as the host loads it", async () => {
    await expectWorkingProvider(loadAsHost(text, REPO_ROOT));
  });
});
