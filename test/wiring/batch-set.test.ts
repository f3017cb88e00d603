import { createHash } from "node:crypto";
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
/** The project's directory, as the Pulumi CLI passes it to a program (read when the mocks start). */
const root = tmp;
const rootVariable = "PULUMI_NODEJS_ROOT_DIRECTORY";
const rootBefore = process.env[rootVariable];

const output = <T>(value: pulumi.Output<T>): Promise<T> =>
  new Promise((resolve) => {
    value.apply((v) => {
      resolve(v);
      return v;
    });
  });

const SET_RESULTS_TYPE_TOKEN = "pulumi-nodejs:dynamic/openai:BatchSetResults";
/** What the mocks report as each child's results (with its own succeeded count) and the set's. */
const RESULTS_SUMMARY = {
  succeeded: 7,
  failed: 1,
  expired: 0,
  cancelled: 0,
  missing: 0,
  errorCodes: { server_error: 1 },
};

/** Child statuses the mocks report, by the child's first custom_id's shard (set per test). */
let statusOf: (name: string) => string = () => "completed";

beforeAll(async () => {
  process.env[rootVariable] = root;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        if (args.type === SET_RESULTS_TYPE_TOKEN) {
          return { id: `${args.name}-id`, state: { ...args.inputs, resultsSummary: RESULTS_SUMMARY } };
        }
        const lines = typeof args.inputs.inputFile === "string" ? countLines(args.inputs.inputFile) : 0;
        return {
          id: `batch_${args.name}`,
          state: {
            ...args.inputs,
            status: statusOf(args.name),
            requestCounts: { total: lines, completed: lines - 1, failed: 1 },
            resultsSummary: { ...RESULTS_SUMMARY, succeeded: lines - 1 },
            resultsSha256: `sha-of-${args.name}`,
          },
        };
      },
      call: () => ({}),
    },
    "wiring",
    "test",
    false,
  );
  // The mocks read the project's directory as a program under the CLI does.
  expect(pulumi.runtime.getRootDirectory()).toBe(root);
  // Relative paths of the set start at the project's directory.
  process.chdir(tmp);
});

afterAll(() => {
  if (rootBefore === undefined) delete process.env[rootVariable];
  else process.env[rootVariable] = rootBefore;
  rmSync(tmp, { recursive: true, force: true });
});

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
      const { __provider, resourceKey, inputFile, setMember, ...rest } = child.inputs;
      expect(rest).toEqual({
        endpoint: "/v1/chat/completions",
        metadata: { team: "support" },
        cancelOnDelete: false,
      });
      expect(inputFile).toMatch(/^\.pulumi-openai-batch\/shards\/[0-9a-f]{64}\.jsonl$/);
      expect(files).toContain((inputFile as string).split("/").at(-1));
      // Named after its shard's first custom_id; where it stands in the set, for the set's line.
      const firstLine = readFileSync(join(root, inputFile as string), "utf8").split("\n")[0] as string;
      expect(child.name).toBe(`tickets-${(JSON.parse(firstLine) as { custom_id: string }).custom_id}`);
      expect(setMember).toEqual({
        setUrn: "urn:pulumi:test::wiring::pulumi-openai-batch:index:BatchSet::tickets",
        wave: 0,
        waves: 1,
        batches: shardCount,
        requests: 1_000,
      });
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

  test("with resultsPath, each child writes its results into the cache and one results resource joins them in shard order", async () => {
    const set = new BatchSet("joined", {
      endpoint: "/v1/chat/completions",
      requests: requestLines(300).map((line) => JSON.parse(line)),
      maxRequestsPerBatch: 100,
      resultsPath: "out/results.jsonl",
      maxFailedRatio: 0.2,
      retryFailedRequests: 2,
    });
    const ids = await output(set.batchIds);
    expect(await output(set.resultsSummary)).toEqual(RESULTS_SUMMARY);
    const children = childrenOf("joined").filter((c) => c.type !== SET_RESULTS_TYPE_TOKEN);
    expect(children.length).toBeGreaterThanOrEqual(3);
    const setUrn = await output(set.urn);
    const folder = `joined-${createHash("sha256").update(setUrn).digest("hex").slice(0, 12)}`;
    for (const child of children) {
      expect(child.inputs.resultsPath).toBe(
        `.pulumi-openai-batch/shards/results/test/${folder}/${child.name}.jsonl`,
      );
      // The set judges the failures as a whole; a child alone never fails the up.
      expect(child.inputs.maxFailedRatio).toBe(1);
      expect(child.inputs.retryFailedRequests).toBe(2);
    }
    const results = registered.filter(
      (r) => r.type === SET_RESULTS_TYPE_TOKEN && r.name === "joined-results",
    );
    expect(results.length).toBe(1);
    const { __provider, shards, ...rest } = results[0]!.inputs;
    // Its serialized provider is tiny and reaches the implementation by package name only.
    const text = __provider as string;
    expect(Buffer.byteLength(text)).toBeLessThan(4096);
    const requires = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(["pulumi-openai-batch/runtime"]));
    expect(text.match(/\.setResultsProvider\./g)?.length).toBe(6);
    expect(rest).toEqual({ setName: "joined", resultsPath: "out/results.jsonl", maxFailedRatio: 0.2 });
    let offset = 0;
    expect(shards).toEqual(
      children.map((child) => {
        const shard = {
          batchId: `batch_${child.name}`,
          resultsPath: child.inputs.resultsPath,
          resultsSha256: `sha-of-${child.name}`,
          lineOffset: offset,
          // The child's shard file, which the set's resultsPath must never be.
          inputFile: child.inputs.inputFile,
        };
        offset += countLines(child.inputs.inputFile as string);
        return shard;
      }),
    );
    expect((shards as { batchId: string }[]).map((shard) => shard.batchId)).toEqual(ids);
  });

  test("short request lines, { custom_id, body }, reach the shards with method and url filled in, as a Batch uploads them", async () => {
    const short = requestLines(300).map((line) => {
      const { custom_id, body } = JSON.parse(line) as { custom_id: string; body: Record<string, unknown> };
      return { custom_id, body };
    });
    // A line that gives its own method and url keeps them.
    short[7] = JSON.parse(requestLines(8)[7] as string);
    const set = new BatchSet("short", {
      endpoint: "/v1/chat/completions",
      requests: short,
      maxRequestsPerBatch: 100,
    });
    expect(await output(set.shardCount)).toBeGreaterThanOrEqual(3);
    await output(set.batchIds);
    const written = childrenOf("short").flatMap((child) =>
      readFileSync(join(root, child.inputs.inputFile as string), "utf8")
        .split("\n")
        .filter(Boolean),
    );
    // Keys in the API's order: the bytes equal the full lines', so the shard files are the same.
    expect(written.sort()).toEqual(requestLines(300).sort());
  });

  test("without resultsPath, maxFailedRatio or retryFailedRequests, resultsSummary is the children's added up and no results resource registers", async () => {
    const set = new BatchSet("summed", {
      endpoint: "/v1/chat/completions",
      requests: requestLines(300).map((line) => JSON.parse(line)),
      maxRequestsPerBatch: 100,
    });
    const shardCount = await output(set.shardCount);
    expect(await output(set.resultsSummary)).toEqual({
      ...RESULTS_SUMMARY,
      succeeded: 300 - shardCount,
      failed: shardCount,
      errorCodes: { server_error: shardCount },
    });
    expect(registered.filter((r) => r.name === "summed-results")).toEqual([]);
    for (const child of childrenOf("summed")) {
      expect(child.inputs.resultsPath).toBeUndefined();
      expect(child.inputs.maxFailedRatio).toBeUndefined();
      expect(child.inputs.retryFailedRequests).toBeUndefined();
    }
  });

  test("with retryFailedRequests alone, the set is judged as a whole: a results resource registers and no child fails the up on its own", async () => {
    const set = new BatchSet("retried", {
      endpoint: "/v1/chat/completions",
      requests: requestLines(300).map((line) => JSON.parse(line)),
      maxRequestsPerBatch: 100,
      retryFailedRequests: 1,
    });
    await output(set.batchIds);
    expect(await output(set.resultsSummary)).toEqual(RESULTS_SUMMARY);
    const results = registered.filter(
      (r) => r.type === SET_RESULTS_TYPE_TOKEN && r.name === "retried-results",
    );
    expect(results.length).toBe(1);
    const { __provider, shards, ...rest } = results[0]!.inputs;
    expect(rest).toEqual({ setName: "retried" });
    const children = childrenOf("retried").filter((c) => c.type !== SET_RESULTS_TYPE_TOKEN);
    expect(children.length).toBeGreaterThanOrEqual(3);
    expect((shards as unknown[]).length).toBe(children.length);
    for (const child of children) {
      expect(child.inputs.resultsPath).toMatch(
        /^\.pulumi-openai-batch\/shards\/results\/test\/retried-[0-9a-f]{12}\/retried-r-\d+\.jsonl$/,
      );
      expect(child.inputs.maxFailedRatio).toBe(1);
      expect(child.inputs.retryFailedRequests).toBe(1);
    }
  });

  test("two sets of one name under different parents keep their children's results in different folders", async () => {
    // Names are unique by type chain, so the parents are components of two types.
    const folderOf = async (parentName: string) => {
      const parent = new pulumi.ComponentResource(`test:index:${parentName}`, parentName);
      const set = new BatchSet(
        "twin",
        {
          endpoint: "/v1/chat/completions",
          requests: requestLines(50).map((line) => JSON.parse(line)),
          resultsPath: `${parentName}.jsonl`,
        },
        { parent },
      );
      await output(set.batchIds);
      await output(set.resultsSummary);
      const results = registered.filter(
        (r) => r.type === SET_RESULTS_TYPE_TOKEN && r.name === "twin-results",
      );
      const shards = results.at(-1)!.inputs.shards as { resultsPath: string }[];
      return shards.map((shard) => shard.resultsPath.split("/").slice(0, -1).join("/"));
    };
    const [first] = await folderOf("east");
    const [second] = await folderOf("west");
    expect(first).toMatch(/^\.pulumi-openai-batch\/shards\/results\/test\/twin-[0-9a-f]{12}$/);
    expect(second).toMatch(/^\.pulumi-openai-batch\/shards\/results\/test\/twin-[0-9a-f]{12}$/);
    expect(second).not.toBe(first);
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
      "maxRequestsPerBatch: maxRequestsPerBatch is 60000; give a whole number from 1 to 50000",
    ],
    [
      { endpoint: "/v1/chat/completions", requests: [], maxBytesPerBatch: Number.NaN },
      "maxBytesPerBatch: maxBytesPerBatch is NaN, which is not a number; give a whole number from 1 to 209715200",
    ],
    [{ endpoint: "/v1/chat/completions", inputFile: "missing.jsonl" }, "inputFile: cannot read"],
    [
      { endpoint: "/v1/chat/completions", requests: [], maxFailedRatio: 1.5 },
      "maxFailedRatio: maxFailedRatio is 1.5; give a number from 0 to 1",
    ],
    [
      { endpoint: "/v1/chat/completions", requests: [], retryFailedRequests: -1 },
      "retryFailedRequests: retryFailedRequests is -1; give a whole number",
    ],
    [
      { endpoint: "/v1/chat/completions", requests: [], shardCacheDir: "/dev/null" },
      'shardCacheDir: shardCacheDir "/dev/null" (/dev/null) cannot hold the shard files: it is a character device, not a folder',
    ],
  ])("bad arguments %j are refused before anything registers: %s", async (args, message) => {
    const before = registered.length;
    let thrown: unknown;
    try {
      new BatchSet("bad", args as never);
    } catch (error) {
      thrown = error;
    }
    expect(isBatchInputError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain(message);
    // A Pulumi ResourceError of the set that hides its stack: the engine prints the message alone.
    expect(pulumi.ResourceError.isInstance(thrown)).toBe(true);
    expect((thrown as pulumi.ResourceError).hideStack).toBe(true);
    const resource = (thrown as pulumi.ResourceError).resource;
    expect(pulumi.ComponentResource.isInstance(resource)).toBe(true);
    expect(await output((resource as pulumi.Resource).urn)).toContain(`${BATCH_SET_TYPE_TOKEN}::bad`);
    expect(registered.length - before).toBeLessThanOrEqual(1);
  });
});
