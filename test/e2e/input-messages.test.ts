/**
 * What the real engine prints when inputs are wrong: a bad line among many inline requests is
 * shown with its path and without the array, an inputFile that is a named pipe is refused without
 * blocking preview, a wrong key is named as the problem, and `Batch.get` of an id that does not
 * exist fails.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { expect, test } from "vitest";
import { batchProgram, fixturesDir, OP_TIMEOUT, setSpec, type TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { withManualClockEmulator } from "./support/suite";
import { type E2eWorkspace, EngineOperationError, userResources } from "./support/workspace";

const nativeRequire = createRequire(__filename);
const programs = nativeRequire(join(fixturesDir, "inputs-program.cjs")) as {
  manyRequestsProgram(count: number, badIndex: number): PulumiFn;
  conflictingInputsProgram(kind: "both" | "duplicate"): PulumiFn;
  getProgram(): PulumiFn;
};

const PROJECT = "e2e-inputs";

describeWithEngine("what the engine prints about bad inputs", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;

  withManualClockEmulator(PROJECT, (parts) => {
    ({ emulator, ws } = parts);
  });

  test(
    "preview of 200 inline requests with one bad line names that line and does not print the array",
    async () => {
      const stack = await ws.stack("many", programs.manyRequestsProgram(200, 17));
      const { error, calls } = await emulator.during(() => stack.preview());
      expect(error).toBeInstanceOf(EngineOperationError);
      const output = (error as EngineOperationError).output;
      expect(output).toContain("requests[17].body.model");
      expect(output).toContain("body.model is missing; every line needs the same model");
      // The array is about 80 KB; the engine printed all of it, twice, when the problem was on `requests`.
      expect(output).not.toContain("Question number 3:");
      expect(Buffer.byteLength(output)).toBeLessThan(8 * 1024);
      expect(calls).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "preview names both inputs set together without printing the requests, and a duplicate custom_id without a {<nil>} value",
    async () => {
      writeFileSync(join(ws.projectDir, "both.jsonl"), "");
      let output = "";
      // The engine stops a preview at the first resource that fails its check: one stack each.
      for (const kind of ["both", "duplicate"] as const) {
        const stack = await ws.stack(kind, programs.conflictingInputsProgram(kind));
        const { error, calls } = await emulator.during(() => stack.preview());
        expect(error).toBeInstanceOf(EngineOperationError);
        expect(calls).toEqual([]);
        output += (error as EngineOperationError).output;
      }
      expect(output).toContain(
        "resource 'both': property inputFile value {both.jsonl} has a problem: requests and inputFile are both set; give exactly one of requests, inputFile or inputFileId",
      );
      expect(output).toContain(
        `resource 'duplicate' has a problem: requests[2].custom_id: custom_id "a" is already used on requests[0]; every custom_id must be unique`,
      );
      // The engine printed the whole requests array as a Go map, and nested paths' values as {<nil>}.
      expect(output).not.toContain("map[");
      expect(output).not.toContain("tell me more");
      expect(output).not.toContain("<nil>");
    },
    OP_TIMEOUT,
  );

  test(
    "preview of an inputFile that is a named pipe fails at once, naming the file and what it is",
    async () => {
      const pipe = join(ws.projectDir, "requests.jsonl");
      execFileSync("mkfifo", [pipe]);
      const stack = await ws.stack("pipe", batchProgram());
      await setSpec(stack, { inputFile: "requests.jsonl" });
      const { error, calls } = await emulator.during(() => stack.preview());
      expect(error).toBeInstanceOf(EngineOperationError);
      expect((error as EngineOperationError).output).toContain(
        `cannot read ${pipe}: it is a named pipe (FIFO), not a regular file; give the path of a .jsonl file`,
      );
      expect(calls).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "up with a wrong key says the key was refused and how to set one, and never prints the key",
    async () => {
      const wrongKey = "sk-wrong-5b1f0e9c7d3a2468";
      const stack = await ws.stack("wrong-key", batchProgram());
      await setSpec(stack, { prompts: ["one"] });
      await stack.setConfig("openai:apiKey", wrongKey, { secret: true });
      const { error } = await emulator.during(() => stack.up());
      expect(error).toBeInstanceOf(EngineOperationError);
      const output = (error as EngineOperationError).output;
      expect(output).toContain("The OpenAI API refused the API key (HTTP 401");
      expect(output).toContain(
        "Set a valid key with `pulumi config set --secret openai:apiKey <key>`, or in OPENAI_API_KEY",
      );
      expect(output).not.toContain(wrongKey);
      expect(await emulator.batches()).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "Batch.get of an id that does not exist fails, naming the id, and records nothing",
    async () => {
      const stack = await ws.stack("typo", programs.getProgram());
      await stack.setConfig(`${PROJECT}:batchId`, "batch_typo123");
      const { error } = await emulator.during(() => stack.up());
      expect(error).toBeInstanceOf(EngineOperationError);
      expect((error as EngineOperationError).output).toContain(
        'the API has no batch "batch_typo123" (it answered 404 Not Found); check the id given to Batch.get',
      );
      expect(userResources(await stack.resources())).toEqual([]);
    },
    OP_TIMEOUT,
  );
});
