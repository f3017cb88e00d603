/**
 * Progress lines and the cost estimate's warnings on the real engine: each is a diagnostic of the
 * `Batch` it is about (its `urn` is the resource's), not of the stack, for a batch of the stack and
 * for one inside nested components.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fixturesDir, OP_TIMEOUT, SETUP_TIMEOUT, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { createWorkspace, diagnostics, type E2eStack, type E2eWorkspace } from "./support/workspace";

const PROJECT = "e2e-diagnostics";
const STACK = "dev";
const BATCH_TYPE = "pulumi-nodejs:dynamic/openai:Batch";
/** The URNs as the engine names them: a child's type follows its parents' types. */
const TOP_URN = `urn:pulumi:${STACK}::${PROJECT}::${BATCH_TYPE}::top`;
const INNER_URN = `urn:pulumi:${STACK}::${PROJECT}::e2e:index:Outer$e2e:index:Inner$${BATCH_TYPE}::inner`;

const { diagnosticsProgram, MODEL } = createRequire(__filename)(
  join(fixturesDir, "diagnostics-program.cjs"),
) as {
  diagnosticsProgram(): PulumiFn;
  MODEL: string;
};

describeWithEngine("progress lines and warnings are diagnostics of the Batch", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;

  beforeAll(async () => {
    emulator = await TestEmulator.start();
    ws = await createWorkspace({ projectName: PROJECT, env: emulator.providerEnv() });
    stack = await ws.stack(STACK, diagnosticsProgram());
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
  });

  test(
    "preview shows the unknown-model warning under each Batch",
    async () => {
      const { events } = await stack.preview();
      const unknown = diagnostics(events, "warning").filter((d) =>
        d.message.includes(`model ${MODEL} is not one this package knows`),
      );
      expect(unknown.map((d) => d.urn).sort()).toEqual([INNER_URN, TOP_URN].sort());
      const unpriced = diagnostics(events, "warning").filter((d) =>
        d.message.includes(`no price for model ${MODEL}`),
      );
      expect(unpriced.map((d) => d.urn).sort()).toEqual([INNER_URN, TOP_URN].sort());
    },
    OP_TIMEOUT,
  );

  test(
    "up shows each waited batch's progress lines under that Batch, and the URNs are the engine's",
    async () => {
      const { events } = await stack.up();
      const outputs = await stack.outputs();
      // The URNs derived for the diagnostics are the ones the engine gave the resources.
      expect(outputs.topUrn?.value).toBe(TOP_URN);
      expect(outputs.innerUrn?.value).toBe(INNER_URN);
      expect(outputs.topStatus?.value).toBe("completed");
      const progress = diagnostics(events, "info").filter((d) =>
        /batch_[0-9a-f]+ completed: 1\/1 done/.test(d.message),
      );
      const byUrn = (urn: string) => progress.filter((d) => d.urn === urn);
      expect(byUrn(TOP_URN).map((d) => d.message)).toEqual([expect.stringMatching(/^top: batch_/)]);
      expect(byUrn(INNER_URN).map((d) => d.message)).toEqual([expect.stringMatching(/^inner: batch_/)]);
      expect(progress.filter((d) => d.urn !== TOP_URN && d.urn !== INNER_URN)).toEqual([]);
    },
    OP_TIMEOUT,
  );
});
