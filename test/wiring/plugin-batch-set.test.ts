/**
 * The plugin's `construct` seam under `pulumi.runtime.setMocks`: `openai-batch:index:BatchSet` is
 * the TypeScript `BatchSet`'s implementation with the plugin's own child types. For the same
 * input, both sets make the same children (names, shard files, arguments), and only the types
 * differ; the set's outputs come back as construct's state.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { BatchSet } from "pulumi-openai-batch";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { isBatchInputError } from "../../provider/errors";
import { createPluginProvider } from "../../provider/plugin/provider";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registered: Registered[] = [];
const root = mkdtempSync(join(tmpdir(), "plugin-batchset-wiring-"));
const rootVariable = "PULUMI_NODEJS_ROOT_DIRECTORY";
const rootBefore = process.env[rootVariable];
const RESULTS = { succeeded: 4, failed: 0, expired: 0, cancelled: 0, missing: 0, errorCodes: {} };

const output = <T>(value: pulumi.Input<T> | undefined): Promise<T> =>
  new Promise((resolve) => {
    pulumi.output(value as pulumi.Input<T>).apply((v) => {
      resolve(v as T);
      return v;
    });
  });

beforeAll(async () => {
  process.env[rootVariable] = root;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        if (args.type.endsWith("BatchSetResults")) {
          return {
            id: `${args.name}-id`,
            state: { ...args.inputs, resultsSummary: RESULTS, resultsSha256: "abc" },
          };
        }
        return {
          id: `batch_${args.name}`,
          state: {
            ...args.inputs,
            status: "completed",
            requestCounts: { total: 2, completed: 2, failed: 0 },
          },
        };
      },
      call: () => ({}),
    },
    "plugin-wiring",
    "test",
    false,
  );
});

afterAll(() => {
  if (rootBefore === undefined) delete process.env[rootVariable];
  else process.env[rootVariable] = rootBefore;
  rmSync(root, { recursive: true, force: true });
});

const lines = Array.from({ length: 8 }, (_, i) =>
  JSON.stringify({
    custom_id: `t-${i}`,
    method: "POST",
    url: "/v1/chat/completions",
    body: { model: "gpt-4o-mini", messages: [{ role: "user", content: `ticket ${i}` }] },
  }),
);

/** The inputs of each child of `type`, with what differs by design (create key, provider) left out. */
async function childrenOf(type: string): Promise<Record<string, unknown>[]> {
  const children = registered.filter((r) => r.type === type);
  return Promise.all(
    children.map(async ({ name, inputs }) => {
      const { __provider: _p, resourceKey: _k, resultsPath, ...rest } = inputs;
      return { name, ...rest, resultsPath: await output(resultsPath as pulumi.Input<string>) };
    }),
  );
}

describe("the plugin's BatchSet, made by construct", () => {
  test("splits as the TypeScript BatchSet does, into openai-batch:index:Batch children and a results resource of the plugin", async () => {
    writeFileSync(join(root, "tickets.jsonl"), `${lines.join("\n")}\n`);
    const args = {
      endpoint: "/v1/chat/completions",
      inputFile: "tickets.jsonl",
      maxRequestsPerBatch: 2,
      metadata: { team: "support" },
      resultsPath: "results.jsonl",
    } as const;
    const plugin = createPluginProvider("1.2.3", { env: {}, cwd: () => root });
    const constructed = await plugin.construct!("tickets", "openai-batch:index:BatchSet", { ...args }, {});
    const typescript = new BatchSet("tickets", { ...args });
    await output(typescript.batchIds);
    const state = constructed.state as Record<string, pulumi.Input<unknown>>;
    const shardCount = await output(state.shardCount as pulumi.Input<number>);
    expect(shardCount).toBeGreaterThanOrEqual(4);
    expect(await output(state.batchIds)).toEqual(
      registered.filter((r) => r.type === "openai-batch:index:Batch").map((r) => `batch_${r.name}`),
    );
    expect(await output(state.status)).toBe("completed");
    expect(await output(state.resultsSummary)).toEqual(RESULTS);
    expect(await output(constructed.urn)).toBe(
      "urn:pulumi:test::plugin-wiring::openai-batch:index:BatchSet::tickets",
    );

    const pluginChildren = await childrenOf("openai-batch:index:Batch");
    const dynamicChildren = await childrenOf("pulumi-nodejs:dynamic/openai:Batch");
    expect(pluginChildren).toHaveLength(shardCount);
    // The same shards and arguments; each set's children write their results in the set's own folder.
    const withoutResults = (children: Record<string, unknown>[]) =>
      children.map(({ resultsPath: _r, setMember: _m, ...rest }) => rest);
    expect(withoutResults(pluginChildren)).toEqual(withoutResults(dynamicChildren));
    expect(pluginChildren[0]).toMatchObject({
      endpoint: "/v1/chat/completions",
      metadata: { team: "support" },
      maxFailedRatio: 1,
      inputFile: expect.stringMatching(/^\.pulumi-openai-batch\/shards\/[0-9a-f]{64}\.jsonl$/),
      resultsPath: expect.stringMatching(
        /^\.pulumi-openai-batch\/shards\/results\/test\/tickets-[0-9a-f]{12}\/tickets-t-\d+\.jsonl$/,
      ),
      name: expect.stringMatching(/^tickets-t-\d+$/),
    });
    // Each set's batches report on their own set's row.
    expect(pluginChildren.map((child) => (child.setMember as { setUrn: string }).setUrn)).toEqual(
      pluginChildren.map(() => "urn:pulumi:test::plugin-wiring::openai-batch:index:BatchSet::tickets"),
    );
    const results = registered.filter((r) => r.type === "openai-batch:index:BatchSetResults");
    expect(results.map((r) => [r.name, r.inputs.setName, r.inputs.resultsPath])).toEqual([
      ["tickets-results", "tickets", "results.jsonl"],
    ]);
    expect(registered.filter((r) => r.type === "openai-batch:index:BatchSet").map((r) => r.name)).toEqual([
      "tickets",
    ]);
  });

  test("construct makes nothing but a BatchSet, and says so", async () => {
    const plugin = createPluginProvider("1.2.3", { env: {}, cwd: () => root });
    const failure = await plugin.construct!("x", "openai-batch:index:Other", {}, {}).catch((e: unknown) => e);
    expect(isBatchInputError(failure)).toBe(true);
    expect((failure as Error).message).toContain(
      "openai-batch:index:Other is not a component of this provider; it has openai-batch:index:BatchSet",
    );
  });
});
