/**
 * Python, as a user's machine has it: the plugin archive installed with
 * `pulumi plugin install --file` into a fresh Pulumi home, and a fresh virtual environment holding
 * only `pulumi` from PyPI and the wheel built from sdk/python. Nothing of the checkout is on PATH,
 * and no `node` either: the plugin is a single executable. Against the emulator:
 *
 * - examples/python, run from a copy of its folder with `python deploy.py`: a `Batch` with a wait
 *   and `resultsPath`, and a `BatchSet` over 60,000 requests (two shards or more); then one edited
 *   line replaces exactly one child; then destroy.
 * - two explicit providers in one program, each with its own emulator and key: each batch lands on
 *   its own emulator, and neither key appears in the output, the state or any file.
 */
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fixturesDir, TestEmulator } from "./support/batches";
import { describeWithEngine, repoRoot } from "./support/engine";
import { filesUnder } from "./support/key-search";
import {
  buildPythonWheel,
  describeWithTool,
  engineEnv,
  freshVenvWithWheel,
  homeWithPlugin,
  lifecycleRoot,
  type ProcessRun,
  pythonWithPulumi,
  run,
} from "./support/languages";

const API_KEY = `sk-python-${randomBytes(16).toString("hex")}`;
const TICKETS = 60_000;
/** The line the test edits, as a user would, between two `up`s. */
const EDITED = 41_234;

interface Summary {
  result?: string;
  changes: Record<string, number>;
  outputs?: Record<string, unknown>;
}

/** A ticket request line: ~280 bytes, so that 60,000 of them take the split's and the counter's worker threads. */
function ticket(index: number, text = "the export button does nothing and the page shows no error"): string {
  return JSON.stringify({
    custom_id: `ticket-${String(index).padStart(5, "0")}`,
    method: "POST",
    url: "/v1/chat/completions",
    body: {
      model: "gpt-4o-mini",
      max_tokens: 40,
      messages: [{ role: "user", content: `Summarise support ticket ${index} in one line: ${text}.` }],
    },
  });
}

/** The last JSON line a run printed. */
function summaryOf(result: ProcessRun): Summary {
  const line = result.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .at(-1);
  expect(line, `${result.stdout}\n${result.stderr}`).toBeDefined();
  return JSON.parse(line as string) as Summary;
}

describeWithEngine("the Python SDK, from the wheel and the installed plugin archive", () => {
  describeWithTool("python3", "Python programs on a machine set up as a user's", () => {
    let emulator: TestEmulator;
    let root: string;
    let python: string;
    let installed: string;

    beforeAll(async () => {
      emulator = await TestEmulator.start({ apiKey: API_KEY });
      root = lifecycleRoot("pulumi-openai-batch-python-");
      installed = await homeWithPlugin(root);
      // The wheel, built with the build tools of the cached environment, from a copy of the SDK.
      cpSync(join(repoRoot, "sdk", "python"), join(root, "sdk-python"), { recursive: true });
      const wheel = await buildPythonWheel(
        await pythonWithPulumi(),
        join(root, "sdk-python"),
        join(root, "wheels"),
      );
      expect(wheel).toMatch(/pulumi_openai_batch-0\.1\.0-py3-none-any\.whl$/);
      python = await freshVenvWithWheel(join(root, "venv"), wheel);
    }, 900_000);

    afterAll(async () => {
      if (root !== undefined) rmSync(root, { recursive: true, force: true });
      await emulator?.close();
    });

    test("the plugin archive installs with pulumi plugin install --file, without a warning", () => {
      expect(installed).toContain("installing");
      expect(installed).not.toMatch(/warning/i);
    });

    test("examples/python: a Batch with resultsPath, then a BatchSet of 60,000 requests; an edited line replaces one child; destroy", async () => {
      const work = join(root, "work", "python");
      cpSync(join(repoRoot, "examples", "python"), work, { recursive: true });
      writeFileSync(
        join(work, "tickets.jsonl"),
        `${Array.from({ length: TICKETS }, (_, i) => ticket(i + 1)).join("\n")}\n`,
      );
      const env: Record<string, string> = {
        ...engineEnv(root, { withoutNode: true }),
        OPENAI_API_KEY: API_KEY,
        OPENAI_BASE_URL: emulator.url,
      };
      // Nothing on PATH can run Node.js: the plugin runs on its own.
      for (const dir of (env.PATH ?? "").split(delimiter))
        expect(existsSync(join(dir, "node")), dir).toBe(false);
      const deploy = async (command: string): Promise<Summary> => {
        const result = await run(python, ["deploy.py", command], { cwd: work, env, timeoutMs: 900_000 });
        expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
        expect(`${result.stdout}${result.stderr}`).not.toContain(API_KEY);
        expect(result.stderr).not.toContain("using pulumi-resource-openai-batch from $PATH");
        return summaryOf(result);
      };

      const first = await deploy("up");
      expect(first.result).toBe("succeeded");
      const outputs = first.outputs ?? {};
      expect(outputs.summaries_status).toBe("completed");
      const summariesResults = readFileSync(join(work, "results", "summaries.jsonl"), "utf8")
        .trim()
        .split("\n");
      expect(summariesResults.map((line) => (JSON.parse(line) as { custom_id: string }).custom_id)).toEqual([
        "summary-1",
        "summary-2",
      ]);
      const shardCount = outputs.tickets_shard_count as number;
      expect(shardCount).toBeGreaterThanOrEqual(2);
      expect(first.changes).toEqual({ create: 1 + 1 + 1 + shardCount + 1 });
      expect(outputs.tickets_status).toBe("completed");
      expect(outputs.tickets_request_counts).toEqual({ total: TICKETS, completed: TICKETS, failed: 0 });
      expect(outputs.tickets_results_summary).toMatchObject({ succeeded: TICKETS, failed: 0, missing: 0 });
      const joined = readFileSync(join(work, "results", "tickets.jsonl"), "utf8")
        .trim()
        .split("\n");
      expect(joined).toHaveLength(TICKETS);
      expect((JSON.parse(joined[EDITED - 1] as string) as { custom_id: string }).custom_id).toBe(
        `ticket-${EDITED}`,
      );

      // One line edited, as a user edits the file: only the batch that holds it is replaced.
      const lines = readFileSync(join(work, "tickets.jsonl"), "utf8").split("\n");
      lines[EDITED - 1] = ticket(EDITED, "the export button now works but the file is empty");
      writeFileSync(join(work, "tickets.jsonl"), lines.join("\n"));
      const second = await deploy("up");
      expect(second.result).toBe("succeeded");
      expect(second.changes.replace).toBe(1);
      const before = outputs.tickets_batch_ids as string[];
      const after = second.outputs?.tickets_batch_ids as string[];
      expect(after).toHaveLength(before.length);
      expect(after.filter((id, index) => id !== before[index])).toHaveLength(1);
      expect(second.outputs?.tickets_results_summary).toMatchObject({ succeeded: TICKETS });

      const destroyed = await deploy("destroy");
      expect(destroyed.result).toBe("succeeded");
      expect(destroyed.changes.delete).toBe(1 + 1 + 1 + shardCount + 1);
      expect(await emulator.files("batch")).toEqual([]);
    }, 1_800_000);

    test("two explicit providers, each with its own key and emulator: each batch lands on its own, and no key is anywhere", async () => {
      const keyA = `sk-project-a-${randomBytes(16).toString("hex")}`;
      const keyB = `sk-project-b-${randomBytes(16).toString("hex")}`;
      const a = await TestEmulator.start({ apiKey: keyA });
      const b = await TestEmulator.start({ apiKey: keyB });
      try {
        const result = await run(python, [join(fixturesDir, "python_two_providers.py")], {
          cwd: join(root, "work"),
          env: {
            ...engineEnv(root),
            WORK_DIR: join(root, "work"),
            KEY_A: keyA,
            URL_A: a.url,
            KEY_B: keyB,
            URL_B: b.url,
          },
        });
        expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
        const steps = result.stdout
          .split("\n")
          .filter((line) => line.startsWith('{"step"'))
          .map((line) => JSON.parse(line) as Summary & { step: string });
        expect(steps.map((s) => [s.step, s.result])).toEqual([
          ["up", "succeeded"],
          ["destroy", "succeeded"],
        ]);
        const outputs = steps[0]?.outputs ?? {};
        const setIds = outputs.set_on_b as string[];
        expect(setIds.length).toBeGreaterThanOrEqual(2);
        expect((await a.batches()).map((batch) => batch.id)).toEqual([outputs.on_a]);
        expect((await b.batches()).map((batch) => batch.id).sort()).toEqual([outputs.on_b, ...setIds].sort());
        for (const key of [keyA, keyB]) {
          expect(result.stdout).not.toContain(key);
          expect(result.stderr).not.toContain(key);
          // The state (its history and backups too), the stack's config, Pulumi's home but its plugins.
          const files = [
            ...filesUnder(join(root, "backend")),
            ...filesUnder(join(root, "work")),
            ...filesUnder(join(root, "home")).filter((file) => !file.includes(join("home", "plugins"))),
          ];
          expect(files.some((file) => file.includes(join(".pulumi", "history")))).toBe(true);
          for (const file of files) expect(readFileSync(file, "latin1"), file).not.toContain(key);
        }
      } finally {
        await a.close();
        await b.close();
      }
    }, 900_000);
  });
});
