/**
 * The provider on Azure OpenAI, against the emulator's azure profile over HTTP, for both URL
 * forms: a batch of `/chat/completions` lines naming a deployment, held to maxCostUsd through the
 * models map, with failed requests retried and the results joined in input order, the create
 * token in the batch's metadata, and the key in no log, state or recorded URL.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import type { FaultRule } from "../../provider/emulator";
import { createBatchProvider } from "../../provider/runtime";
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

const requests = Array.from({ length: 6 }, (_, i) => ({
  custom_id: `q-${i + 1}`,
  method: "POST" as const,
  url: "/chat/completions",
  body: { model: "batch-mini", max_tokens: 20, messages: [{ role: "user", content: `question ${i + 1}` }] },
}));

async function azure(form: "v1" | "api-version"): Promise<{ dir: string; env: ProviderUnderTest }> {
  const dir = mkdtempSync(join(tmpdir(), "azure-backend-"));
  dirs.push(dir);
  const started = await providerWithEmulator({
    cwd: dir,
    emulator: {
      profile: "azure",
      deployments: { "batch-mini": "gpt-4o-mini" },
      faults: [{ kind: "request_failure", count: 2, statusCode: 500, errorCode: "server_error" }],
    },
    config: {
      "openai:backend": "azure",
      "openai:models": JSON.stringify({ "batch-mini": "gpt-4o-mini" }),
      "openai:prices": JSON.stringify({ "gpt-4o-mini": { input: 0.075, output: 0.3 } }),
      ...(form === "api-version" ? { "openai:apiVersion": "2024-10-21" } : {}),
    },
  });
  return { dir, env: started };
}

describe.each(["v1", "api-version"] as const)("Azure, the %s URL form", (form) => {
  test("a /chat/completions batch on a deployment: priced, retried, joined in input order, one batch per create, the key nowhere", async () => {
    const setup = await azure(form);
    env = setup.env;
    const base = env.emulator.origin;
    // The harness points openai:baseUrl at the emulator's v1 URL; Azure's settings take the resource's root too.
    const inputs = await env.checked({
      endpoint: "/chat/completions",
      requests,
      waitForCompletion: true,
      resourceKey: "p/s/azure",
      resultsPath: "results.jsonl",
      retryFailedRequests: 1,
      maxCostUsd: 1,
    });
    expect(inputs.estimate).toMatchObject({ model: "gpt-4o-mini" });
    expect(inputs.estimate?.maxCostUsd).toBeGreaterThan(0);
    env.emulator.clearCalls();
    const { id, outs } = await env.provider.create(inputs);
    // The provider's calls only: the test's own look-ups below go through the v1 form.
    const calls = env.emulator.calls();

    expect(outs?.attempts?.map((a) => a.requestCounts)).toEqual([
      { total: 6, completed: 4, failed: 2 },
      { total: 2, completed: 2, failed: 0 },
    ]);
    const records = readFileSync(join(setup.dir, "results.jsonl"), "utf8").trim().split("\n");
    expect(records.map((line) => JSON.parse(line).custom_id)).toEqual(requests.map((r) => r.custom_id));
    expect(records.map((line) => JSON.parse(line).status)).toEqual(Array(6).fill("succeeded"));

    const withToken = await env.batchesOf(createTokenOf(inputs));
    expect(withToken.map((b) => b.id)).toEqual([id]);

    const prefix = form === "v1" ? "/openai/v1/" : "/openai/";
    expect(calls.length).toBeGreaterThan(4);
    for (const call of calls) {
      const sent = call.url ?? call.path;
      expect(sent.startsWith(prefix)).toBe(true);
      if (form === "api-version") expect(sent).toContain("api-version=2024-10-21");
      expect(sent).not.toContain(env.key);
    }
    expect(base).not.toContain(env.key);
    expect(JSON.stringify(outs)).not.toContain(env.key);
    expect(JSON.stringify(inputs)).not.toContain(env.key);
    expect(env.logs.join("\n")).not.toContain(env.key);
    expect(env.progress.join("\n")).not.toContain(env.key);
  });
});

test("a deployment the models map does not name fails the preview under maxCostUsd, named", async () => {
  const setup = await azure("v1");
  env = setup.env;
  const result = await env.provider.check(
    {} as never,
    {
      endpoint: "/chat/completions",
      requests: requests.map((r) => ({ ...r, body: { ...r.body, model: "other-deployment" } })),
      maxCostUsd: 1,
    } as never,
  );
  expect(result.failures?.map((f) => f.reason).join("\n")).toContain(
    "deployment other-deployment is not in openai:models",
  );
});

test("a wrong key in api-key is refused, and the error does not show it", async () => {
  const setup = await azure("api-version");
  env = setup.env;
  await env.provider.configure({
    config: {
      get: (name: string) =>
        ({
          "openai:apiKey": "sk-wrong-azure-key-0000000000",
          "openai:baseUrl": setup.env.emulator.origin,
          "openai:backend": "azure",
          "openai:apiVersion": "2024-10-21",
          "openai:maxRetries": "0",
        })[name],
    },
  });
  const inputs = await env.checked({ endpoint: "/chat/completions", requests });
  const error = await env.provider.create(inputs).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error).toBeDefined();
  expect(String(error?.message)).toMatch(/401|key/i);
  expect(String(error?.message)).not.toContain("sk-wrong-azure-key-0000000000");
  expect(JSON.stringify(error)).not.toContain("sk-wrong-azure-key-0000000000");
});

describe.each(["v1", "api-version"] as const)(
  "Azure, the %s URL form, under faults: no duplicate, no orphan",
  (form) => {
    test.each([
      [
        "a 500 after the batch was created",
        { method: "POST", path: "/v1/batches", kind: "server_error_after", count: 1 },
      ],
      [
        "a dropped connection on create",
        { method: "POST", path: "/v1/batches", kind: "drop_connection", count: 1 },
      ],
      [
        "a 500 after the file was stored",
        { method: "POST", path: "/v1/files", kind: "server_error_after", count: 2 },
      ],
      [
        "a 429 on create",
        { method: "POST", path: "/v1/batches", kind: "rate_limit", count: 2, retryAfterSeconds: 3 },
      ],
      ["a 500 on the look-up", { method: "GET", path: "/v1/batches", kind: "server_error", count: 1 }],
    ] as [string, FaultRule][])("%s", async (_name, fault) => {
      const setup = await azure(form);
      env = setup.env;
      const inputs = await env.checked({
        endpoint: "/chat/completions",
        requests,
        resourceKey: "p/s/faulty",
      });
      env.emulator.setFaults([fault]);
      const { id } = await env.provider.create(inputs);
      env.emulator.setFaults([]);
      const faulted = env.emulator.calls().filter((c) => c.fault !== undefined);
      expect(faulted).toHaveLength(fault.count ?? 0);
      const batches = (await env.client.batches.list({ limit: 100 })).data;
      expect(batches.map((b) => b.id)).toEqual([id]);
      expect(await env.batchFiles()).toHaveLength(1);
    });
  },
);

test("under the plugin's namespace, that failure names openai-batch:models", async () => {
  const dir = mkdtempSync(join(tmpdir(), "azure-backend-"));
  dirs.push(dir);
  const provider = createBatchProvider({ env: {}, cwd: () => dir }, { configNamespace: "openai-batch" });
  await provider.configure({
    config: {
      get: (name: string) =>
        ({
          "openai-batch:backend": "azure",
          "openai-batch:baseUrl": "https://example-resource.openai.azure.com",
          "openai-batch:models": JSON.stringify({ "batch-mini": "gpt-4o-mini" }),
        })[name],
    },
  });
  const result = await provider.check(
    {} as never,
    {
      endpoint: "/chat/completions",
      requests: requests.map((r) => ({ ...r, body: { ...r.body, model: "other-deployment" } })),
      maxCostUsd: 1,
    } as never,
  );
  const reasons = result.failures?.map((f) => f.reason).join("\n") ?? "";
  expect(reasons).toContain(
    'deployment other-deployment is not in openai-batch:models, so its model and price are not known and the batch cannot be held to maxCostUsd $1.00; set openai-batch:models to {"other-deployment": "<model>"}',
  );
  expect(reasons).not.toMatch(/\bopenai:/);
});
