/**
 * The Groq and Together presets against the emulator's groq and together profiles over HTTP: a
 * batch is uploaded with the backend's file purpose, created, waited for and its results joined
 * in input order; on Together, whose batches keep no metadata, a create whose answer was lost
 * finds its batch by the input file's name and makes no second one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { CREATE_TOKEN_METADATA_KEY } from "../../provider/contract";
import type { FaultRule } from "../../provider/emulator";
import { createTokenOf } from "../../provider/runtime/create-token";
import { type ProviderUnderTest, providerWithEmulator } from "./harness";

const dirs: string[] = [];
let env: ProviderUnderTest | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const MODEL = "llama-3.1-8b-instant";
const body = (i: number) => ({
  model: MODEL,
  max_tokens: 8,
  messages: [{ role: "user", content: `hi ${i}` }],
});
/** Groq's lines carry method and url; Together's only custom_id and body (in a file, uploaded as it is). */
const LINES = {
  groq: Array.from({ length: 5 }, (_, i) => ({
    custom_id: `g-${i + 1}`,
    method: "POST",
    url: "/v1/chat/completions",
    body: body(i),
  })),
  together: Array.from({ length: 5 }, (_, i) => ({ custom_id: `t-${i + 1}`, body: body(i) })),
};
const PURPOSE = { groq: "batch", together: "batch-api" } as const;
const PREFIX = { groq: "/openai/v1/", together: "/v1/" } as const;

async function start(preset: "groq" | "together"): Promise<{ dir: string; env: ProviderUnderTest }> {
  const dir = mkdtempSync(join(tmpdir(), "compatible-preset-"));
  dirs.push(dir);
  const started = await providerWithEmulator({
    cwd: dir,
    emulator: { profile: preset },
    config: {
      "openai:backend": "compatible",
      "openai:preset": preset,
      "openai:prices": JSON.stringify({ [MODEL]: { input: 0.05, output: 0.08 } }),
    },
  });
  return { dir, env: started };
}

/** The batch's input: Groq's lines inline; Together's in a JSONL file, so that they reach the API without method and url. */
function input(preset: "groq" | "together", dir: string): Record<string, unknown> {
  if (preset === "groq") return { requests: LINES.groq };
  writeFileSync(
    join(dir, "lines.jsonl"),
    `${LINES.together.map((line) => JSON.stringify(line)).join("\n")}\n`,
  );
  return { inputFile: "lines.jsonl" };
}

async function inputFiles(p: ProviderUnderTest, preset: "groq" | "together") {
  return (await p.client.files.list({ purpose: PURPOSE[preset] as never })).data;
}

describe.each(["groq", "together"] as const)("the %s preset against its profile", (preset) => {
  test("a batch is uploaded with the backend's purpose, created, finished and joined in input order", async () => {
    const setup = await start(preset);
    env = setup.env;
    const inputs = await env.checked({
      endpoint: "/v1/chat/completions",
      ...input(preset, setup.dir),
      waitForCompletion: true,
      resourceKey: `p/s/${preset}`,
      resultsPath: "results.jsonl",
      maxCostUsd: 1,
    });
    env.emulator.clearCalls();
    const { id, outs } = await env.provider.create(inputs);
    const calls = env.emulator.calls();
    expect(outs?.status).toBe("completed");
    expect(outs?.requestCounts).toEqual({ total: 5, completed: 5, failed: 0 });
    const records = readFileSync(join(setup.dir, "results.jsonl"), "utf8").trim().split("\n");
    expect(records.map((line) => JSON.parse(line).custom_id)).toEqual(LINES[preset].map((r) => r.custom_id));
    expect(records.map((line) => JSON.parse(line).status)).toEqual(Array(5).fill("succeeded"));
    const files = await inputFiles(env, preset);
    expect(files.map((f) => f.id)).toEqual([outs?.inputFileId]);
    const batch = await env.client.batches.retrieve(id);
    if (preset === "groq") {
      expect(batch.metadata?.[CREATE_TOKEN_METADATA_KEY]).toBe(createTokenOf(inputs));
    } else {
      expect(batch.metadata).toBeUndefined();
      expect(files[0]?.filename).toContain(createTokenOf(inputs) as string);
    }
    expect(calls.length).toBeGreaterThan(3);
    for (const call of calls) expect((call.url ?? call.path).startsWith(PREFIX[preset])).toBe(true);
    expect(JSON.stringify(outs)).not.toContain(env.key);
    expect(env.logs.join("\n")).not.toContain(env.key);
  });

  test.each([
    [
      "a 500 after the batch was created",
      { method: "POST", path: "/v1/batches", kind: "server_error_after", count: 1 },
    ],
    [
      "a dropped connection on create",
      { method: "POST", path: "/v1/batches", kind: "drop_connection", count: 1 },
    ],
  ] as [string, FaultRule][])(
    "%s makes no second batch and leaves no orphaned upload",
    async (_name, fault) => {
      const setup = await start(preset);
      env = setup.env;
      const inputs = await env.checked({
        endpoint: "/v1/chat/completions",
        ...input(preset, setup.dir),
        resourceKey: `p/s/${preset}-faulty`,
      });
      env.emulator.setFaults([fault]);
      const { id } = await env.provider.create(inputs);
      env.emulator.setFaults([]);
      expect(env.emulator.calls().filter((c) => c.fault !== undefined)).toHaveLength(1);
      const batches = (await env.client.batches.list({ limit: 100 })).data;
      expect(batches.map((b) => b.id)).toEqual([id]);
      const files = await inputFiles(env, preset);
      expect(files.map((f) => f.id)).toEqual([batches[0]?.input_file_id]);
    },
  );
});
