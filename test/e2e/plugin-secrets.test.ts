/**
 * The `openai-batch` plugin on the real engine, with its API key set by
 * `pulumi config set --secret openai-batch:apiKey`: the key reaches the plugin (through the stack
 * config the engine hands it; the emulator refuses any other key, and none is in the environment),
 * and its text appears in no engine output or event, in no log line of the plugin (shown with
 * `--debug`), and in no file
 * of the state, the backend or the project.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { OP_TIMEOUT, outputValues, SETUP_TIMEOUT, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { KeySearch } from "./support/key-search";
import { pathWithPlugin, pluginBatchProgram } from "./support/plugin";
import {
  createWorkspace,
  diagnostics,
  type E2eStack,
  type E2eWorkspace,
  type StateResource,
} from "./support/workspace";

const PROJECT = "e2e-plugin-secrets";
const API_KEY = `sk-plugin-secret-${randomBytes(20).toString("hex")}`;

describeWithEngine("the plugin's API key set as a secret", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;
  const search = new KeySearch(API_KEY, () => emulator);

  beforeAll(async () => {
    emulator = await TestEmulator.start({ apiKey: API_KEY });
    // No key in the environment, and the plugin's debug log on: the key can only come from the
    // stack config, and every log line of the plugin is searched for it.
    ws = await createWorkspace({
      projectName: PROJECT,
      packageUnderTest: "none",
      env: { OPENAI_API_KEY: "", PATH: pathWithPlugin(), PULUMI_OPENAI_BATCH_LOG: "debug" },
    });
    stack = await ws.stack("dev", pluginBatchProgram());
    await stack.setConfig("openai-batch:apiKey", API_KEY, { secret: true });
    await stack.setConfig("openai-batch:baseUrl", emulator.url);
    await stack.setConfig("batch", JSON.stringify({ waitForCompletion: true, pollIntervalSeconds: 1 }));
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
  });

  test("the stack's config file holds the key encrypted", () => {
    const config = readFileSync(join(ws.projectDir, "Pulumi.dev.yaml"), "utf8");
    expect(config).toMatch(/openai-batch:apiKey:\s*\n\s*secure: \S+/);
    expect(config).not.toContain(API_KEY);
  });

  test(
    "preview, up (with a wait) and refresh run the plugin with the key and never show it",
    async () => {
      const preview = await search.recorded("preview", () => stack.preview());
      expect(preview.result.changeSummary).toEqual({ create: 2 });

      // With --debug the engine shows what the plugin writes to stderr: its log lines.
      const up = await search.recorded("up", () => stack.up({ debug: true }));
      expect(up.result.summary.result).toBe("succeeded");
      const outputs = await outputValues(stack);
      expect(outputs.status).toBe("completed");
      expect(outputs.requestCounts).toEqual({ total: 2, completed: 2, failed: 0 });
      expect(outputs.uploadedInputFile).toBe(true);
      // The emulator accepted every call: the key reached the plugin.
      expect((await emulator.batches()).map((b) => [b.id, b.status])).toEqual([
        [outputs.batchId, "completed"],
      ]);
      // The wait's progress lines are diagnostics of the Batch, under the URN the engine gave the plugin.
      const progress = diagnostics(up.events, "info").filter((d) =>
        /^batch: batch_[0-9a-f]+ completed: 2\/2 done/.test(d.message),
      );
      expect(progress.map((d) => d.urn)).toEqual([
        `urn:pulumi:dev::${PROJECT}::openai-batch:index:Batch::batch`,
      ]);
      // The plugin logged its calls, and they were searched.
      expect(up.output).toMatch(/\[pulumi-openai-batch\] debug: POST \/v1\/batches -> 200/);
      expect(up.output).not.toMatch(/authorization|bearer/i);

      const refresh = await search.recorded("refresh", () => stack.refresh());
      expect(refresh.result.summary.result).toBe("succeeded");
    },
    OP_TIMEOUT,
  );

  test(
    "the state holds a plugin Batch and the key only encrypted",
    async () => {
      const exported = await stack.exportStackText();
      expect(exported).not.toContain(API_KEY);
      const resources = (JSON.parse(exported) as { deployment: { resources: StateResource[] } }).deployment
        .resources;
      expect(resources.map((r) => r.type)).toEqual([
        "pulumi:pulumi:Stack",
        "pulumi:providers:openai-batch",
        "openai-batch:index:Batch",
      ]);
      const batch = resources[2]!;
      expect(batch.outputs?.status).toBe("completed");
      expect(batch.outputs?.__provider).toBeUndefined();
      const state = stack.stateFile();
      expect(state.text).toContain("ciphertext");
      expect(state.text).not.toContain(API_KEY);
      // Even decrypted, the batch holds no trace of the key.
      expect(JSON.stringify(await stack.resources())).toContain("openai-batch:index:Batch");
      const decrypted = (await stack.resources()).filter((r) => r.type === "openai-batch:index:Batch");
      expect(JSON.stringify(decrypted)).not.toContain(API_KEY);
    },
    OP_TIMEOUT,
  );

  test(
    "destroy uses the key and never shows it; no file of the workspace holds it",
    async () => {
      const destroy = await search.recorded("destroy", () => stack.destroy());
      expect(destroy.result.summary.result).toBe("succeeded");
      expect(await emulator.files("batch")).toEqual([]);
      expect(search.runs.map((r) => r.operation)).toEqual(["preview", "up", "refresh", "destroy"]);
      search.expectNoFileHolds(ws.root);
    },
    OP_TIMEOUT,
  );
});
