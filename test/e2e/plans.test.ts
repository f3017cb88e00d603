/**
 * Plans of a `Batch` on the real engine, which shows a dynamic resource's plan as the difference
 * of its old and new inputs (and, with `--diff`, of its old outputs and new inputs): no internal
 * property shows in a preview, and every planned update or
 * replace says why on the resource's row. One stack: results over `maxFailedRatio` fail `up`; the
 * next preview says that `up` checks the same batch again; raising the ratio lets `up` accept it
 * without a new batch; a deleted results file is planned to be written again; a change of the
 * requests plans a replace that names them.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { FaultRule } from "../../provider/emulator";
import { batchProgram, OP_TIMEOUT, SETUP_TIMEOUT, setSpec, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import {
  createWorkspace,
  diagnostics,
  type E2eStack,
  type E2eWorkspace,
  userChanges,
} from "./support/workspace";

const PROJECT = "e2e-plans";
const URN = `urn:pulumi:dev::${PROJECT}::pulumi-nodejs:dynamic/openai:Batch::batch`;
const FAIL_FIRST_TWO: FaultRule[] = [
  { kind: "request_failure", count: 2, statusCode: 503, errorCode: "server_error" },
];
const SPEC = {
  prompts: ["one?", "two?", "three?", "four?"],
  waitForCompletion: true,
  pollIntervalSeconds: 1,
  resultsPath: "out.jsonl",
  maxFailedRatio: 0.25,
};
/** Properties that only the package itself uses. */
const INTERNAL = ["createToken", "resourceKey", "setMember", "stateVersion", "__provider"];

describeWithEngine("plans of a Batch say why", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;

  beforeAll(async () => {
    emulator = await TestEmulator.start({ faults: FAIL_FIRST_TWO });
    ws = await createWorkspace({ projectName: PROJECT, env: emulator.providerEnv() });
    stack = await ws.stack("dev", batchProgram());
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
  });

  /** The info lines of the Batch's row. */
  const reasonsOf = (events: Parameters<typeof diagnostics>[0]) =>
    diagnostics(events, "info")
      .filter((d) => d.urn === URN)
      .map((d) => d.message.trim());

  test(
    "results over maxFailedRatio: the next plan says up checks the same batch again, and a raised ratio accepts it",
    async () => {
      await setSpec(stack, SPEC);
      const failed = await stack.up().then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failed?.message).toContain("maxFailedRatio");
      const [batch] = await emulator.batches();

      const again = await stack.preview();
      expect(again.result.changeSummary).toMatchObject({ update: 1 });
      expect(again.stdout).not.toContain("[diff:");
      expect(reasonsOf(again.events)).toEqual([
        `batch: the results of batch ${batch!.id} (4 requests: 2 succeeded, 2 failed (server_error 2)): more than maxFailedRatio 0.25 of them did not succeed; up checks them again and fails, without a new batch. Raise maxFailedRatio to accept them, or change the requests to run a new batch`,
      ]);

      await setSpec(stack, { ...SPEC, maxFailedRatio: 0.5 });
      const accepted = await stack.up();
      expect(userChanges(accepted.events)).toEqual({ update: 1 });
      expect(reasonsOf(accepted.events)).toContain(
        `batch: maxFailedRatio changed (0.25 → 0.5): the results of batch ${batch!.id} (4 requests: 2 succeeded, 2 failed (server_error 2)) now pass, and up accepts them without a new batch`,
      );
      expect((await emulator.batches()).map((b) => b.id)).toEqual([batch!.id]);
    },
    OP_TIMEOUT * 2,
  );

  test(
    "a missing results file and changed requests: each plan names its reason, and no internal property",
    async () => {
      rmSync(join(ws.projectDir, "out.jsonl"));
      const restore = await stack.preview();
      expect(restore.result.changeSummary).toMatchObject({ update: 1 });
      const [batch] = await emulator.batches();
      expect(reasonsOf(restore.events)).toEqual([
        `batch: results file "out.jsonl" is missing: up writes it again from the output of batch ${batch!.id}, without a new batch`,
      ]);

      await setSpec(stack, { ...SPEC, maxFailedRatio: 0.5, prompts: ["one?", "two?"] });
      const edited = await stack.preview();
      expect(edited.result.changeSummary).toMatchObject({ replace: 1 });
      expect(reasonsOf(edited.events)).toEqual([
        expect.stringMatching(
          /^batch: requests changed \(4 → 2 requests, sha256 [0-9a-f]{12}… → [0-9a-f]{12}…\): up creates a new batch in its place$/,
        ),
      ]);
      // The row lists the inputs that changed: the computed ones the README documents, never an internal one.
      expect(edited.stdout).toContain("[diff: ~estimate,inputSha256,requestCount,requests]");
      for (const name of INTERNAL) expect(edited.stdout).not.toContain(name);
      // `--diff` lists every old output of a replace as going, and the new inputs: none of them internal.
      const detailed = await stack.preview({ diff: true });
      expect(detailed.stdout).toMatch(/-\s+status\s*: "completed"/);
      expect(detailed.stdout).toMatch(/~\s+requestCount\s*: 4 => 2/);
      for (const name of INTERNAL) expect(detailed.stdout).not.toContain(name);
    },
    OP_TIMEOUT,
  );
});
