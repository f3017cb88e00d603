/**
 * The YAML examples (examples/yaml and examples/yaml-batchset, `runtime: yaml`) run through the
 * Pulumi CLI as a person types the commands: `pulumi preview`, `pulumi up --yes`,
 * `pulumi refresh --yes` and `pulumi destroy --yes`, against the emulator, with the plugin archive
 * installed into the Pulumi home (no `plugins` section, nothing on PATH). The API key is set with
 * `pulumi config set --secret` and appears in no command's output.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { RecordedCall } from "../../provider/emulator";
import { OP_TIMEOUT, SETUP_TIMEOUT, TestEmulator } from "./support/batches";
import { CliProject, describeWithYamlHost } from "./support/cli";
import { repoRoot } from "./support/engine";

const API_KEY = `sk-yaml-${randomBytes(16).toString("hex")}`;
const BATCH_ROW = /\+\s+openai-batch:index:Batch summaries create/;

function mutatingPaths(calls: readonly RecordedCall[]): string[] {
  return calls
    .filter((c) => c.method !== "GET")
    .map((c) => `${c.method} ${c.path.replace(/(batch|file)[-_][A-Za-z0-9]+/g, "$1_*")}`);
}

describeWithYamlHost("the YAML example through the pulumi CLI", () => {
  let emulator: TestEmulator;
  let project: CliProject;
  let batchId: string;

  beforeAll(async () => {
    // A manual clock: the batch moves only when the test says so.
    emulator = await TestEmulator.start({ apiKey: API_KEY, manualClock: true });
    project = await CliProject.create(join(repoRoot, "examples", "yaml"), { OPENAI_API_KEY: "" });
    await project.ok(["stack", "init", "dev", "--non-interactive"]);
    await project.ok(["config", "set", "--secret", "openai-batch:apiKey", API_KEY]);
    await project.ok(["config", "set", "openai-batch:baseUrl", emulator.url]);
    await project.ok(["config", "set", "waitForCompletion", "false"]);
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.close();
  });

  test(
    "pulumi preview shows the batch to create and calls no API that changes anything",
    async () => {
      const { result, calls } = await emulator.during(() => project.ok(["preview", "--non-interactive"]));
      expect(result?.stdout).toMatch(BATCH_ROW);
      expect(result?.stdout).toMatch(/\+ 2 to create/);
      expect(mutatingPaths(calls)).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "pulumi up --yes uploads the requests and creates the batch",
    async () => {
      const { result, calls } = await emulator.during(() => project.ok(["up", "--yes", "--non-interactive"]));
      expect(result?.stdout).toMatch(/\+ 2 created/);
      // The upload, the create's in-flight marker, the create, and the marker deleted.
      expect(mutatingPaths(calls)).toEqual([
        "POST /v1/files",
        "POST /v1/files",
        "POST /v1/batches",
        "DELETE /v1/files/file_*",
      ]);
      const outputs = JSON.parse((await project.ok(["stack", "output", "--json"])).stdout) as Record<
        string,
        unknown
      >;
      batchId = String(outputs.batchId);
      expect(batchId).toMatch(/^batch_/);
      expect(outputs.status).toBe("validating");
      const batch = await emulator.batch(batchId);
      expect(batch.metadata?.team).toBe("search");
    },
    OP_TIMEOUT,
  );

  test(
    "pulumi refresh --yes reads what the batch became",
    async () => {
      await emulator.emulator.setBatchStatus(batchId, "completed");
      const refresh = await project.ok(["refresh", "--yes", "--non-interactive"]);
      expect(refresh.stdout).toMatch(/~\s+openai-batch:index:Batch summaries refreshing/);
      // The inputs are as declared, so the engine counts the batch unchanged; its outputs moved on.
      expect(refresh.stdout).toMatch(/Resources:\s+2 unchanged/);
      const exported = JSON.parse((await project.ok(["stack", "export"])).stdout) as {
        deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] };
      };
      const batch = exported.deployment.resources.find((r) => r.type === "openai-batch:index:Batch");
      expect(batch?.outputs?.status).toBe("completed");
      expect(batch?.outputs?.outputFileId).toMatch(/^file-/);
      expect(batch?.outputs?.requestCounts).toEqual({ total: 2, completed: 2, failed: 0 });
    },
    OP_TIMEOUT,
  );

  test(
    "pulumi preview --diff of an edited request plans a replace and shows no property the package keeps for itself",
    async () => {
      const file = join(project.projectDir, "Pulumi.yaml");
      const program = readFileSync(file, "utf8");
      writeFileSync(file, program.replace("Hamlet in one sentence", "Hamlet in two sentences"));
      try {
        const { result, calls } = await emulator.during(() =>
          project.ok(["preview", "--diff", "--non-interactive"]),
        );
        expect(result?.stdout).toMatch(/\+-\s*openai-batch:index:Batch/);
        expect(result?.stdout).toContain("two sentences");
        for (const internal of ["createToken", "resourceKey", "stateVersion", "setMember"]) {
          expect(result?.stdout).not.toContain(internal);
        }
        expect(mutatingPaths(calls)).toEqual([]);
      } finally {
        writeFileSync(file, program);
      }
    },
    OP_TIMEOUT,
  );

  test(
    "pulumi destroy --yes deletes the uploaded input and leaves the finished batch; the key was never shown",
    async () => {
      const { result, calls } = await emulator.during(() =>
        project.ok(["destroy", "--yes", "--non-interactive"]),
      );
      expect(result?.stdout).toMatch(/- 2 deleted/);
      // A completed batch cannot be cancelled: only its uploaded input file is deleted.
      expect(mutatingPaths(calls)).toEqual(["DELETE /v1/files/file_*"]);
      expect((await emulator.batch(batchId)).status).toBe("completed");
      expect(project.runs.map((r) => r.args[0])).toEqual([
        "stack",
        "config",
        "config",
        "config",
        "preview",
        "up",
        "stack",
        "refresh",
        "stack",
        "preview",
        "destroy",
      ]);
      for (const { args, run } of project.runs) expect(run.output, args.join(" ")).not.toContain(API_KEY);
    },
    OP_TIMEOUT,
  );
});

describeWithYamlHost("pulumi import of an existing batch through the plugin", () => {
  let emulator: TestEmulator;
  let project: CliProject;

  beforeAll(async () => {
    emulator = await TestEmulator.start({ apiKey: API_KEY, manualClock: true });
    project = await CliProject.create(join(repoRoot, "examples", "yaml"), { OPENAI_API_KEY: "" });
    await project.ok(["stack", "init", "dev", "--non-interactive"]);
    await project.ok(["config", "set", "--secret", "openai-batch:apiKey", API_KEY]);
    await project.ok(["config", "set", "openai-batch:baseUrl", emulator.url]);
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.close();
  });

  test(
    "imports a running batch by its id alone, as a managed resource that destroy cancels",
    async () => {
      const line = {
        custom_id: "e-1",
        method: "POST",
        url: "/v1/embeddings",
        body: { model: "text-embedding-3-small", input: "hello" },
      };
      const file = await emulator.client.files.create({
        file: new File([`${JSON.stringify(line)}\n`], "made-elsewhere.jsonl"),
        purpose: "batch",
      });
      const made = await emulator.client.batches.create({
        input_file_id: file.id,
        endpoint: "/v1/embeddings",
        completion_window: "24h",
        metadata: { owner: "data-team" },
      });

      const imported = await project.ok([
        "import",
        "openai-batch:index:Batch",
        "adopted",
        made.id,
        "--yes",
        "--non-interactive",
      ]);
      expect(imported.stdout).toMatch(/=\s+openai-batch:index:Batch adopted import/);
      expect(imported.stdout).toMatch(/= 1 imported/);
      // The code to add to the program, generated by the YAML host from what the plugin read.
      const code = imported.stdout.slice(imported.stdout.indexOf("resources:\n  adopted:"));
      expect(code).toContain("type: openai-batch:Batch");
      expect(code).toContain(`inputFileId: ${file.id}`);
      expect(code).toContain("endpoint: /v1/embeddings");
      expect(code).toMatch(/metadata:\s+owner: data-team/);
      // Imported resources are protected until unprotected.
      expect(imported.stdout).toContain("imported resources are marked as protected");

      const exported = JSON.parse((await project.ok(["stack", "export"])).stdout) as {
        deployment: {
          resources: {
            type: string;
            id?: string;
            inputs?: Record<string, unknown>;
            outputs?: Record<string, unknown>;
          }[];
        };
      };
      const batch = exported.deployment.resources.find((r) => r.type === "openai-batch:index:Batch");
      expect(batch?.id).toBe(made.id);
      expect(batch?.inputs).toMatchObject({
        endpoint: "/v1/embeddings",
        inputFileId: file.id,
        completionWindow: "24h",
        metadata: { owner: "data-team" },
      });
      expect(batch?.outputs).toMatchObject({
        status: "validating",
        uploadedInputFile: false,
        stateVersion: 1,
      });

      // Managed, unlike `Batch.get`: destroy cancels the running batch, and keeps the file it did not upload.
      await project.ok([
        "state",
        "unprotect",
        "urn:pulumi:dev::openai-batch-yaml::openai-batch:index:Batch::adopted",
        "--yes",
        "--non-interactive",
      ]);
      const { calls, error: destroyError } = await emulator.during(() =>
        project.ok(["destroy", "--yes", "--non-interactive"]),
      );
      expect(destroyError).toBeUndefined();
      expect(mutatingPaths(calls)).toEqual(["POST /v1/batches/batch_*/cancel"]);
      expect(["cancelling", "cancelled"]).toContain((await emulator.batch(made.id)).status);
      expect(await emulator.fileExists(file.id)).toBe(true);
      for (const { args, run } of project.runs) expect(run.output, args.join(" ")).not.toContain(API_KEY);
    },
    OP_TIMEOUT,
  );
});

describeWithYamlHost("the YAML BatchSet example through the pulumi CLI", () => {
  let emulator: TestEmulator;
  let project: CliProject;
  let batchIds: string[];
  /** The child batches named on rows of the output with this verb (a row may be printed more than once). */
  const rows = (text: string, verb: string) => [
    ...new Set(
      [...text.matchAll(new RegExp(`openai-batch:index:Batch (tickets-ticket-\\d+) ${verb}`, "g"))].map(
        (match) => match[1],
      ),
    ),
  ];

  beforeAll(async () => {
    emulator = await TestEmulator.start({ apiKey: API_KEY });
    project = await CliProject.create(join(repoRoot, "examples", "yaml-batchset"), { OPENAI_API_KEY: "" });
    await project.ok(["stack", "init", "dev", "--non-interactive"]);
    await project.ok(["config", "set", "--secret", "openai-batch:apiKey", API_KEY]);
    await project.ok(["config", "set", "openai-batch:baseUrl", emulator.url]);
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.close();
  });

  test(
    "the installed plugin is used with no plugins section, no PATH entry and no warning; preview splits the file and calls no API that changes anything",
    async () => {
      expect(project.installOutput).not.toMatch(/warning/i);
      const { result, calls } = await emulator.during(() => project.ok(["preview", "--non-interactive"]));
      expect(result?.stdout).toMatch(/\+\s+openai-batch:index:BatchSet tickets create/);
      expect(rows(result?.stdout ?? "", "create").length).toBeGreaterThanOrEqual(3);
      expect(result?.output).not.toContain("using pulumi-resource-openai-batch from $PATH");
      expect(mutatingPaths(calls)).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "pulumi up --yes creates a batch per shard, waits, and joins the results in input order",
    async () => {
      const up = await project.ok(["up", "--yes", "--non-interactive"]);
      expect(up.output).not.toContain("using pulumi-resource-openai-batch from $PATH");
      const outputs = JSON.parse((await project.ok(["stack", "output", "--json"])).stdout) as Record<
        string,
        unknown
      >;
      batchIds = outputs.batchIds as string[];
      expect(batchIds.length).toBe(outputs.shardCount);
      expect(batchIds.length).toBeGreaterThanOrEqual(3);
      expect(rows(up.stdout, "created").length).toBe(batchIds.length);
      expect(outputs.status).toBe("completed");
      expect(outputs.requestCounts).toEqual({ total: 6, completed: 6, failed: 0 });
      expect(outputs.resultsSummary).toMatchObject({ succeeded: 6, failed: 0, missing: 0 });
      const results = readFileSync(join(project.projectDir, "results", "tickets.jsonl"), "utf8")
        .trim()
        .split("\n");
      expect(results.map((line) => (JSON.parse(line) as { custom_id: string }).custom_id)).toEqual(
        [1, 2, 3, 4, 5, 6].map((i) => `ticket-${i}`),
      );
      for (const id of batchIds) expect((await emulator.batch(id)).status).toBe("completed");
    },
    OP_TIMEOUT,
  );

  test(
    "pulumi refresh --yes reads every batch and changes nothing",
    async () => {
      const refresh = await project.ok(["refresh", "--yes", "--non-interactive"]);
      expect(rows(refresh.stdout, "refreshing").length).toBe(batchIds.length);
      expect(refresh.stdout).toMatch(new RegExp(`Resources:\\s+${batchIds.length + 3} unchanged`));
    },
    OP_TIMEOUT,
  );

  test(
    "pulumi destroy --yes removes the set and its uploaded inputs; the key was never shown",
    async () => {
      const destroy = await project.ok(["destroy", "--yes", "--non-interactive"]);
      expect(destroy.stdout).toMatch(new RegExp(`- ${batchIds.length + 3} deleted`));
      expect(await emulator.files("batch")).toEqual([]);
      for (const { args, run } of project.runs) expect(run.output, args.join(" ")).not.toContain(API_KEY);
    },
    OP_TIMEOUT,
  );
});
