/**
 * The API key, set with `pulumi config set --secret openai:apiKey`, on the real engine: it reaches
 * the provider (the emulator refuses any other key) and its text appears nowhere else — not in the
 * exported stack, the raw state file, any other file of the backend or the project, nor in the
 * engine's output and events of preview, up, refresh and destroy, including a run with the
 * provider's debug logging on.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  batchResource,
  exampleProgram,
  OP_TIMEOUT,
  outputValues,
  SETUP_TIMEOUT,
  TestEmulator,
} from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { KeySearch } from "./support/key-search";
import {
  createWorkspace,
  type E2eStack,
  type E2eWorkspace,
  type OperationRun,
  type StateResource,
  userChanges,
} from "./support/workspace";

const PROJECT = "e2e-secrets";
const API_KEY = `sk-e2e-secret-${randomBytes(20).toString("hex")}`;

describeWithEngine("the API key set as a secret", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;
  /** Every engine run of this file, kept for the final search. */
  const search = new KeySearch(API_KEY, () => emulator);

  beforeAll(async () => {
    emulator = await TestEmulator.start({ apiKey: API_KEY });
    // No key in the environment: the provider can only have it from the stack config.
    ws = await createWorkspace({ projectName: PROJECT, env: { OPENAI_API_KEY: "" } });
    stack = await ws.stack("dev", exampleProgram("inline-requests"));
    await stack.setConfig("openai:apiKey", API_KEY, { secret: true });
    await stack.setConfig("openai:baseUrl", emulator.url);
    await stack.setConfig(`${PROJECT}:pollIntervalSeconds`, "1");
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
  });

  test("the stack's config file holds the key encrypted", () => {
    const config = readFileSync(join(ws.projectDir, "Pulumi.dev.yaml"), "utf8");
    expect(config).toMatch(/openai:apiKey:\s*\n\s*secure: \S+/);
    expect(config).not.toContain(API_KEY);
  });

  test(
    "preview, up and refresh use the key and never show it",
    async () => {
      const preview = await search.recorded("preview", () => stack.preview());
      expect(preview.result.changeSummary).toEqual({ create: 2 });

      const up = await search.recorded("up", () => stack.up());
      expect(up.result.summary.result).toBe("succeeded");
      const outputs = await outputValues(stack);
      expect(outputs.status).toBe("completed");
      // The emulator accepted every call: the key reached the provider.
      expect((await emulator.batches()).map((b) => [b.id, b.status])).toEqual([
        [outputs.batchId, "completed"],
      ]);

      const refresh = await search.recorded("refresh", () => stack.refresh());
      expect(refresh.result.summary.result).toBe("succeeded");
    },
    OP_TIMEOUT,
  );

  test(
    "an up with the provider's debug logging on logs every call and never the key",
    async () => {
      await stack.setConfig(`${PROJECT}:model`, "gpt-4.1-mini");
      const envVars = stack.stack.workspace.envVars;
      envVars.PULUMI_OPENAI_BATCH_LOG = "debug";
      let up: OperationRun<unknown>;
      try {
        up = await search.recorded("up with debug logging", () => stack.up());
      } finally {
        delete envVars.PULUMI_OPENAI_BATCH_LOG;
      }
      expect(userChanges(up.events)).toEqual({ "create-replacement": 1, replace: 1, "delete-replaced": 1 });
      // The provider's log lines reached the engine output: this run was searched with them in it.
      for (const line of [
        /\[pulumi-openai-batch\] debug: GET \/v1\/batches -> 200/,
        /\[pulumi-openai-batch\] debug: POST \/v1\/files -> 200/,
        /\[pulumi-openai-batch\] debug: POST \/v1\/batches -> 200/,
        /\[pulumi-openai-batch\] debug: GET \/v1\/batches\/batch_[0-9a-f]+ -> 200/,
        /\[pulumi-openai-batch\] debug: DELETE \/v1\/files\/file-[A-Za-z0-9]+ -> 200/,
      ]) {
        expect(up.output).toMatch(line);
      }
      expect(up.output).not.toMatch(/authorization|bearer/i);
      // Every logged call is an API path (nothing but HTTP calls is logged).
      const logged = [...up.output.matchAll(/\[pulumi-openai-batch\] debug: [A-Z]+ (\S*) -> /g)].map(
        (m) => m[1],
      );
      expect(logged.length).toBeGreaterThanOrEqual(5);
      expect(logged.filter((path) => !path?.startsWith("/v1/"))).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "the exported stack and the raw state file hold the key only encrypted",
    async () => {
      // `pulumi stack export`, as a person runs it (the Automation API's export shows secrets).
      const exported = await stack.exportStackText();
      expect(exported).not.toContain(API_KEY);
      const resources = (JSON.parse(exported) as { deployment: { resources: StateResource[] } }).deployment
        .resources;
      const providers = resources.filter((r) => r.type === "pulumi:providers:pulumi-nodejs");
      expect(providers).toHaveLength(1);
      // Pulumi keeps the config the provider received, the key as a secret (ciphertext).
      const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
      expect(providers[0]!.inputs?.["openai:apiKey"]).toEqual({ ...secret, ciphertext: expect.any(String) });
      expect(providers[0]!.outputs?.["openai:apiKey"]).toEqual({ ...secret, ciphertext: expect.any(String) });
      // The batch itself holds no trace of the key, even decrypted.
      expect(JSON.stringify(await batchResource(stack))).not.toContain(API_KEY);
      const state = stack.stateFile();
      expect(state.text).toContain("ciphertext");
      expect(state.text).not.toContain(API_KEY);
    },
    OP_TIMEOUT,
  );

  test(
    "destroy uses the key and never shows it; no file of the workspace holds it",
    async () => {
      const destroy = await search.recorded("destroy", () => stack.destroy());
      expect(destroy.result.summary.result).toBe("succeeded");
      expect(await emulator.files("batch")).toEqual([]);

      expect(search.runs.map((r) => r.operation)).toEqual([
        "preview",
        "up",
        "refresh",
        "up with debug logging",
        "destroy",
      ]);
      for (const run of search.runs) expect(run.text, run.operation).not.toContain(API_KEY);
      // State, its history and backups, the stack's config, Pulumi's home: none holds the key.
      search.expectNoFileHolds(ws.root);
    },
    OP_TIMEOUT,
  );
});
