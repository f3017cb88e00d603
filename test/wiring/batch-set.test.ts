import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { BATCH_SET_TYPE_TOKEN, BatchSet, isBatchInputError } from "pulumi-openai-batch";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registered: Registered[] = [];
const tmp = mkdtempSync(join(tmpdir(), "batchset-wiring-"));
/** Without a project directory from the CLI, relative paths start at the working directory. */
const root = tmp;

const output = <T>(value: pulumi.Output<T>): Promise<T> =>
  new Promise((resolve) => {
    value.apply((v) => {
      resolve(v);
      return v;
    });
  });

/** Child statuses the mocks report, by the child's first custom_id's shard (set per test). */
let statusOf: (name: string) => string = () => "completed";

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const lines = typeof args.inputs.inputFile === "string" ? countLines(args.inputs.inputFile) : 0;
        return {
          id: `batch_${args.name}`,
          state: {
            ...args.inputs,
            status: statusOf(args.name),
            requestCounts: { total: lines, completed: lines - 1, failed: 1 },
          },
        };
      },
      call: () => ({}),
    },
    "wiring",
    "test",
    false,
  );
  // Relative paths of the set start at the project's directory.
  process.chdir(tmp);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function countLines(inputFile: string): number {
  return readFileSync(join(root, inputFile), "utf8").split("\n").filter(Boolean).length;
}

function requestLines(count: number, model = "gpt-4o-mini"): string[] {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      custom_id: `r-${i}`,
      method: "POST",
      url: "/v1/chat/completions",
      body: { model, messages: [{ role: "user", content: `Summarise ticket ${i} in one line.` }] },
    }),
  );
}

const childrenOf = (setName: string) =>
  registered.filter(
    (r) => r.type === "pulumi-nodejs:dynamic/openai:Batch" && r.name.startsWith(`${setName}-`),
  );

describe("BatchSet wiring", () => {
  test("registers the component and one Batch per shard, reading its shard from the cache folder", async () => {
    writeFileSync(join(root, "tickets.jsonl"), `${requestLines(1_000).join("\n")}\n`);
    const set = new BatchSet("tickets", {
      endpoint: "/v1/chat/completions",
      inputFile: "tickets.jsonl",
      maxRequestsPerBatch: 200,
      metadata: { team: "support" },
      cancelOnDelete: false,
    });
    const shardCount = await output(set.shardCount);
    await output(set.batchIds);
    expect(shardCount).toBeGreaterThanOrEqual(5);
    expect(registered.filter((r) => r.type === BATCH_SET_TYPE_TOKEN).map((r) => r.name)).toEqual(["tickets"]);
    const children = childrenOf("tickets");
    expect(children.length).toBe(shardCount);
    const files = readdirSync(join(root, ".pulumi-openai-batch", "shards")).sort();
    let lines = 0;
    for (const child of children) {
      const { __provider, resourceKey, inputFile, ...rest } = child.inputs;
      expect(rest).toEqual({
        endpoint: "/v1/chat/completions",
        metadata: { team: "support" },
        cancelOnDelete: false,
      });
      expect(inputFile).toMatch(/^\.pulumi-openai-batch\/shards\/[0-9a-f]{64}\.jsonl$/);
      expect(files).toContain((inputFile as string).split("/").at(-1));
      expect(child.name).toMatch(/^tickets-[0-9a-f]{12}$/);
      const count = countLines(inputFile as string);
      expect(count).toBeLessThanOrEqual(200);
      lines += count;
      // The state holds the path, never the requests.
      expect(JSON.stringify(child.inputs)).not.toContain("Summarise ticket");
    }
    expect(lines).toBe(1_000);
    expect(await output(set.batchIds)).toEqual(children.map((c) => `batch_${c.name}`));
    expect(await output(set.requestCounts)).toEqual({
      total: 1_000,
      completed: 1_000 - shardCount,
      failed: shardCount,
    });
    expect(await output(set.status)).toBe("completed");
  });

  test("status is the least advanced child's", async () => {
    const seen = new Set<string>();
    statusOf = (name) => {
      seen.add(name);
      return seen.size === 2 ? "in_progress" : "completed";
    };
    const set = new BatchSet("mixed", {
      endpoint: "/v1/chat/completions",
      requests: requestLines(300).map((line) => JSON.parse(line)),
      maxRequestsPerBatch: 100,
    });
    expect(await output(set.shardCount)).toBeGreaterThanOrEqual(3);
    expect(await output(set.status)).toBe("in_progress");
    statusOf = () => "completed";
  });

  test("with maxEnqueuedTokens, every wave but the last waits for completion, and waves fit the limit", async () => {
    const set = new BatchSet("waves", {
      endpoint: "/v1/chat/completions",
      requests: requestLines(400).map((line) => JSON.parse(line)),
      maxEnqueuedTokens: 3_000,
    });
    await output(set.batchIds);
    const waves = await output(set.waveCount);
    expect(waves).toBeGreaterThanOrEqual(2);
    const children = childrenOf("waves");
    const waiting = children.filter((c) => c.inputs.waitForCompletion === true);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.length).toBeLessThan(children.length);
  });

  test.each([
    [
      { endpoint: "/v1/chat/completions" },
      "inputFile: give exactly one of inputFile and requests; neither was given",
    ],
    [{ endpoint: "/v1/chat", requests: [] }, 'endpoint: "/v1/chat" is not an endpoint the Batch API runs'],
    [
      { endpoint: "/v1/chat/completions", requests: [], maxRequestsPerBatch: 60_000 },
      "maxRequestsPerBatch: expected a whole number from 1 to 50000; got 60000",
    ],
    [{ endpoint: "/v1/chat/completions", inputFile: "missing.jsonl" }, "inputFile: cannot read"],
  ])("bad arguments %j are refused before anything registers: %s", (args, message) => {
    const before = registered.length;
    let thrown: unknown;
    try {
      new BatchSet("bad", args as never);
    } catch (error) {
      thrown = error;
    }
    expect(isBatchInputError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain(message);
    expect(registered.length - before).toBeLessThanOrEqual(1);
  });
});
