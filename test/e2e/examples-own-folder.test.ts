/**
 * Each example as a user runs it: its folder copied alone to an empty place, `npm install` there
 * (the package from its packed tarball, into the example's own node_modules), its index.ts
 * compiled beside it, and its program run by Node from that folder through the folder's own
 * @pulumi/pulumi (test/e2e/support/fixtures/run-example.cjs), against the local emulator:
 * preview, up and destroy. Nothing is loaded from the repository root.
 */
import { copyFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type ExampleName, exampleDir, fixturesDir, TestEmulator } from "./support/batches";
import { describeWithEngine, repoRoot, requireEngine } from "./support/engine";
import { createUserFolder, installPackage, runNode, type UserFolder } from "./support/user-folder";

const EXAMPLE_TIMEOUT = 400_000;

/**
 * One `npm install` of the example's dependencies, done once: every example declares the same ones
 * (checked below), so each folder gets its own copy of the same node_modules.
 */
let installed: Promise<UserFolder> | undefined;
function installedOnce(): Promise<UserFolder> {
  installed ??= (async () => {
    const folder = createUserFolder(requireEngine());
    cpSync(join(exampleDir("inline-requests"), "package.json"), join(folder.dir, "package.json"));
    await installPackage(folder.dir);
    return folder;
  })();
  return installed;
}

/** Copies the example alone, compiles its index.ts as a user's toolchain would, and installs. */
async function setUpExample(name: ExampleName, folder: UserFolder): Promise<void> {
  cpSync(exampleDir(name), folder.dir, { recursive: true });
  const source = readFileSync(join(folder.dir, "index.ts"), "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  writeFileSync(join(folder.dir, "index.js"), outputText);
  copyFileSync(join(fixturesDir, "run-example.cjs"), join(folder.dir, "run-example.cjs"));
  // The example names the package as a user's project does: by a version range the release
  // satisfies, never by a path into this repository (`file:../..` links the repository, whose
  // second copy of @pulumi/pulumi breaks every run).
  const rootVersion = (
    JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }
  ).version;
  expect(dependenciesOf(folder.dir)["pulumi-openai-batch"]).toBe(`^${rootVersion}`);
  const template = await installedOnce();
  expect(dependenciesOf(folder.dir)).toEqual(dependenciesOf(join(exampleDir("inline-requests"))));
  cpSync(join(template.dir, "node_modules"), join(folder.dir, "node_modules"), {
    recursive: true,
    verbatimSymlinks: true,
  });
  cpSync(join(template.dir, "package.json"), join(folder.dir, "package.json"));
  cpSync(join(template.dir, "package-lock.json"), join(folder.dir, "package-lock.json"));
}

function dependenciesOf(dir: string): Record<string, string> {
  return (
    JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> }
  ).dependencies;
}

/** The JSON object the runner prints last. */
function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines.at(-1)!) as Record<string, unknown>;
}

describeWithEngine("examples from their own folders", () => {
  let emulator: TestEmulator;
  const folders: UserFolder[] = [];

  beforeAll(async () => {
    emulator = await TestEmulator.start();
  });

  afterAll(async () => {
    for (const folder of folders) folder.cleanup();
    (await installed)?.cleanup();
    await emulator?.close();
  }, 300_000);

  const cases: {
    name: ExampleName;
    config: Record<string, unknown>;
    expectOutputs: Record<string, unknown>;
  }[] = [
    {
      name: "inline-requests",
      config: { pollIntervalSeconds: 1 },
      expectOutputs: { status: "completed", requestCounts: { total: 4, completed: 4, failed: 0 } },
    },
    {
      name: "jsonl-file-wait",
      config: { pollIntervalSeconds: 1 },
      expectOutputs: { status: "completed" },
    },
    { name: "embeddings", config: {}, expectOutputs: { status: expect.any(String) } },
  ];

  describe.each(cases)("$name", ({ name, config, expectOutputs }) => {
    test(
      "installs alone, previews, comes up and is destroyed",
      async () => {
        const folder = createUserFolder(requireEngine(), emulator.providerEnv());
        folders.push(folder);
        await setUpExample(name, folder);
        const configJson = JSON.stringify(config);

        const preview = await runNode(folder, ["run-example.cjs", "preview", configJson]);
        expect(lastJson(preview.stdout)).toMatchObject({ create: 2 });

        const up = await runNode(folder, ["run-example.cjs", "up", configJson]);
        const outputs = lastJson(up.stdout);
        expect(outputs).toMatchObject({ batchId: expect.stringMatching(/^batch_/), ...expectOutputs });

        const destroy = await runNode(folder, ["run-example.cjs", "destroy", configJson]);
        expect(lastJson(destroy.stdout)).toMatchObject({ delete: 2 });
      },
      EXAMPLE_TIMEOUT,
    );
  });

  test(
    "adopt-existing reads a batch made elsewhere and leaves it alone on destroy",
    async () => {
      const file = await emulator.client.files.create({
        file: new File(
          [
            `${JSON.stringify({ custom_id: "a", method: "POST", url: "/v1/embeddings", body: { model: "m", input: "x" } })}\n`,
          ],
          "elsewhere.jsonl",
        ),
        purpose: "batch",
      });
      const made = await emulator.client.batches.create({
        input_file_id: file.id,
        endpoint: "/v1/embeddings",
        completion_window: "24h",
      });
      const folder = createUserFolder(requireEngine(), emulator.providerEnv());
      folders.push(folder);
      await setUpExample("adopt-existing", folder);
      const configJson = JSON.stringify({ batchId: made.id });

      const up = await runNode(folder, ["run-example.cjs", "up", configJson]);
      expect(lastJson(up.stdout)).toMatchObject({ endpoint: "/v1/embeddings" });
      await runNode(folder, ["run-example.cjs", "destroy", configJson]);
      const after = await emulator.batch(made.id);
      expect(after.status).not.toMatch(/cancel/);
    },
    EXAMPLE_TIMEOUT,
  );
});
