/**
 * Paths the package would write are checked at preview, through the real engine: a `resultsPath`
 * that is the input under another spelling, or a directory, is refused before any API call (and
 * `up` makes no batch), and a `BatchSet` whose `shardCacheDir` is `/dev/null` is refused with one
 * line under the set, naming `shardCacheDir`, without a stack trace. One stack serves every case.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { beforeAll, expect, test } from "vitest";
import { fixturesDir, OP_TIMEOUT, type TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { withManualClockEmulator } from "./support/suite";
import {
  diagnostics,
  type E2eStack,
  type E2eWorkspace,
  EngineOperationError,
  userResources,
} from "./support/workspace";

const nativeRequire = createRequire(__filename);
const { pathsProgram } = nativeRequire(join(fixturesDir, "paths-program.cjs")) as {
  pathsProgram(): PulumiFn;
};

const CHAT = "/v1/chat/completions";
const INPUT = `${JSON.stringify({ custom_id: "a", method: "POST", url: CHAT, body: { model: "gpt-4o-mini", messages: [], max_tokens: 5 } })}\n`;

describeWithEngine("paths the package writes, checked at preview by the engine", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;

  withManualClockEmulator("e2e-input-paths", (parts) => {
    ({ emulator, ws } = parts);
  });

  beforeAll(async () => {
    writeFileSync(join(ws.projectDir, "in.jsonl"), INPUT);
    symlinkSync(join(ws.projectDir, "in.jsonl"), join(ws.projectDir, "link.jsonl"));
    mkdirSync(join(ws.projectDir, "results"));
    stack = await ws.stack("dev", pathsProgram());
  }, OP_TIMEOUT);

  /** Runs the program with one Batch of these arguments (or one BatchSet), for the next operation. */
  const use = async (resource: "batch" | "set", args: Record<string, unknown>) => {
    await stack.setConfig(resource === "batch" ? "set" : "batch", "null");
    await stack.setConfig(resource, JSON.stringify({ endpoint: CHAT, ...args }));
  };

  // First in the file: an inline program's failures can leave the SDK's error handlers of earlier
  // runs in this process, which would print a program error once more per failed run before it.
  test(
    "a BatchSet whose shardCacheDir is /dev/null: one error line under the set, naming shardCacheDir, no stack trace, no API call",
    async () => {
      await use("set", { inputFile: join(ws.projectDir, "in.jsonl"), shardCacheDir: "/dev/null" });
      const { error, calls } = await emulator.during(() => stack.preview());
      expect(error).toBeInstanceOf(EngineOperationError);
      const { output, events } = error as EngineOperationError;
      const message =
        'shardCacheDir: shardCacheDir "/dev/null" (/dev/null) cannot hold the shard files: it is a character device, not a folder; give shardCacheDir a folder that can be written, relative to the project, such as ".pulumi-openai-batch/shards"';
      const errors = diagnostics(events, "error");
      const setErrors = errors.filter((d) => d.urn?.endsWith("pulumi-openai-batch:index:BatchSet::set"));
      expect(setErrors.map((d) => d.message.trim())).toEqual([message]);
      // The Automation API's inline host repeats every program error as the program's own
      // failure, with no resource (the engine shows it under the stack); under the Pulumi CLI the
      // error is printed once, under the set.
      const others = errors.filter((d) => !setErrors.includes(d));
      expect(others.map((d) => ({ urn: d.urn, message: d.message.trim() }))).toEqual([
        { urn: undefined, message },
      ]);
      expect(output).not.toContain("Unhandled exception");
      expect(output).not.toMatch(/^\s+at /m);
      expect(output).not.toContain("EEXIST");
      expect(calls).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "a resultsPath that is the inputFile under another spelling is refused at preview, before any API call",
    async () => {
      for (const resultsPath of ["./in.jsonl", join(ws.projectDir, "in.jsonl"), "link.jsonl"]) {
        await use("batch", { inputFile: "in.jsonl", resultsPath, waitForCompletion: true });
        const { error, calls } = await emulator.during(() => stack.preview());
        expect(error).toBeInstanceOf(EngineOperationError);
        expect((error as EngineOperationError).output).toContain(
          `property resultsPath value {${resultsPath}} has a problem: resultsPath ${JSON.stringify(resultsPath)} is the same file as inputFile "in.jsonl" (${join(ws.projectDir, "in.jsonl")}): writing there would overwrite the input; give resultsPath another path`,
        );
        expect(calls).toEqual([]);
      }
      expect(readFileSync(join(ws.projectDir, "in.jsonl"), "utf8")).toBe(INPUT);
    },
    OP_TIMEOUT,
  );

  test(
    "a resultsPath that is a directory is refused at preview, and up makes no batch",
    async () => {
      await use("batch", { inputFile: "in.jsonl", resultsPath: "results", waitForCompletion: true });
      const reason = `property resultsPath value {results} has a problem: resultsPath "results" (${join(ws.projectDir, "results")}) cannot be written: it is a directory; give the path of a file in a folder that can be written, such as "results.jsonl"`;
      const preview = await emulator.during(() => stack.preview());
      expect((preview.error as EngineOperationError).output).toContain(reason);
      expect(preview.calls).toEqual([]);
      const up = await emulator.during(() => stack.up());
      expect((up.error as EngineOperationError).output).toContain(reason);
      expect(up.calls).toEqual([]);
      expect(await emulator.batches()).toEqual([]);
      expect(userResources(await stack.resources())).toEqual([]);
    },
    OP_TIMEOUT,
  );
});
