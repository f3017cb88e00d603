/**
 * The cost estimate and the maxCostUsd guard on the real engine against the local emulator: a
 * preview over budget, or with unbounded output, fails and calls no API; a batch within budget
 * runs, its estimate known from preview on, and its actual cost computed from usage.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fixturesDir, OP_TIMEOUT, outputValues, SETUP_TIMEOUT, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { createWorkspace, type E2eStack, type E2eWorkspace, EngineOperationError } from "./support/workspace";

const PROJECT = "e2e-cost";
const PROMPTS = ["Classify: the app crashes on start.", "Classify: très bien, merci ! 👍"];

interface CostSpec {
  prompts: string[];
  maxTokens?: number;
  maxCostUsd?: number;
  assumedOutputTokensPerRequest?: number;
  waitForCompletion?: boolean;
  pollIntervalSeconds?: number;
}

const costProgram = (): PulumiFn =>
  (
    createRequire(__filename)(join(fixturesDir, "cost-program.cjs")) as { costProgram(): PulumiFn }
  ).costProgram();

describeWithEngine("the cost estimate and the maxCostUsd guard", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;
  const setSpec = (spec: CostSpec) => stack.setConfig("cost", JSON.stringify(spec));

  beforeAll(async () => {
    emulator = await TestEmulator.start();
    ws = await createWorkspace({ projectName: PROJECT, env: emulator.providerEnv() });
    stack = await ws.stack("dev", costProgram());
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
  });

  test(
    "preview fails when the batch can cost more than maxCostUsd, and calls no API",
    async () => {
      // 2 requests × 1,000 output tokens at $0.30 per million is $0.0006 at most, over $0.0001.
      await setSpec({ prompts: PROMPTS, maxTokens: 1000, maxCostUsd: 0.0001 });
      const { error, calls } = await emulator.during(() => stack.preview());
      expect(error).toBeInstanceOf(EngineOperationError);
      const output = (error as EngineOperationError).output;
      expect(output).toContain(
        "property maxCostUsd value {0.0001} has a problem: the batch can cost up to $0.0006",
      );
      expect(output).toContain("over maxCostUsd $0.0001;");
      expect(calls).toEqual([]);
      expect(await emulator.batches()).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "preview fails when output is unbounded, asking for max_tokens or assumedOutputTokensPerRequest",
    async () => {
      await setSpec({ prompts: PROMPTS, maxCostUsd: 1 });
      const { error, calls } = await emulator.during(() => stack.preview());
      expect(error).toBeInstanceOf(EngineOperationError);
      const output = (error as EngineOperationError).output;
      expect(output).toContain("property maxCostUsd value {1} has a problem: output is unbounded");
      expect(output).toContain("assumedOutputTokensPerRequest");
      expect(calls).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "within budget, up runs the batch; the estimate is in the outputs and costUsd comes from usage",
    async () => {
      await setSpec({
        prompts: PROMPTS,
        maxTokens: 1000,
        maxCostUsd: 0.001,
        waitForCompletion: true,
        pollIntervalSeconds: 1,
      });
      const preview = await emulator.during(() => stack.preview());
      expect(preview.error).toBeUndefined();
      expect(preview.calls).toEqual([]);
      // The estimate is known at preview: the planned inputs carry it.
      const planned = JSON.stringify(preview.result!.events);
      expect(planned).toContain('"estimate"');
      expect(planned).toContain('"maxOutputTokens":2000');
      const { error } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      const outputs = await outputValues(stack);
      expect(outputs.status).toBe("completed");
      const estimate = outputs.estimate as Record<string, number | string>;
      expect(estimate).toMatchObject({
        model: "gpt-4o-mini",
        requests: 2,
        maxOutputTokens: 2000,
        priceAsOf: "2025-08-07",
      });
      const usage = outputs.usage as { input_tokens: number; output_tokens: number };
      // The emulator counts input with a tokenizer of its own (tiktoken): two implementations agree.
      expect(estimate.inputTokens).toBe(usage.input_tokens);
      // gpt-4o-mini at batch rates: $0.075 input, $0.30 output per million; nothing cached.
      expect(outputs.costUsd).toBe(Math.round(usage.input_tokens * 0.075 + usage.output_tokens * 0.3) / 1e6);
    },
    OP_TIMEOUT,
  );
});
