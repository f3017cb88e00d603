import * as pulumi from "@pulumi/pulumi";
import { BATCH_TYPE_TOKEN, Batch, isBatchInputError } from "pulumi-openai-batch";
import { beforeAll, describe, expect, test } from "vitest";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  id: string | undefined;
  custom: boolean;
}

const registered: Registered[] = [];
const reads: { type: string; name: string; id: string }[] = [];

const output = <T>(value: pulumi.Output<T>): Promise<T> =>
  new Promise((resolve) => {
    value.apply((v) => {
      resolve(v);
      return v;
    });
  });

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (args.id !== undefined && args.id !== "") {
          reads.push({ type: args.type, name: args.name, id: args.id });
          return {
            id: args.id,
            state: { status: "completed", outputFileId: "file-out-adopted", endpoint: "/v1/embeddings" },
          };
        }
        registered.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          id: args.id,
          custom: args.custom ?? true,
        });
        return {
          id: `batch_${args.name}`,
          state: { ...args.inputs, status: "validating", inputFileId: "file-in", outputFileId: "file-out" },
        };
      },
      call: () => ({}),
    },
    "wiring",
    "test",
    false,
  );
});

describe("Batch resource wiring", () => {
  test("registers the dynamic type token with the arguments, the resource key and the serialized provider", async () => {
    const batch = new Batch("nightly", {
      endpoint: "/v1/chat/completions",
      inputFile: "requests.jsonl",
      metadata: { team: "search" },
      waitForCompletion: true,
    });
    expect(await output(batch.id)).toBe("batch_nightly");
    const entry = registered.find((r) => r.name === "nightly");
    expect(entry?.type).toBe(BATCH_TYPE_TOKEN);
    expect(entry?.type).toBe("pulumi-nodejs:dynamic/openai:Batch");
    const { __provider, ...inputs } = entry?.inputs ?? {};
    expect(inputs).toEqual({
      endpoint: "/v1/chat/completions",
      inputFile: "requests.jsonl",
      metadata: { team: "search" },
      waitForCompletion: true,
      resourceKey: "wiring/test/nightly",
    });
    expect(typeof __provider).toBe("string");
    expect(__provider as string).toContain('require("pulumi-openai-batch/runtime")');
  });

  test("a child's resource key names its parent, so same-named batches under two parents differ", async () => {
    const parent = new pulumi.ComponentResource("example:index:Pipeline", "nightly-pipeline");
    const child = new Batch("job", { endpoint: "/v1/embeddings", inputFileId: "file-1" }, { parent });
    await output(child.id);
    expect(registered.find((r) => r.name === "job")?.inputs.resourceKey).toBe(
      "wiring/test/job@urn:pulumi:test::wiring::example:index:Pipeline::nightly-pipeline",
    );
  });

  test("outputs are declared on the class and resolve from the provider's outputs", async () => {
    const batch = new Batch("outs", { endpoint: "/v1/embeddings", inputFileId: "file-given" });
    expect(await output(batch.status)).toBe("validating");
    expect(await output(batch.outputFileId)).toBe("file-out");
    expect(await output(batch.inputFileId)).toBe("file-in");
    expect(await output(batch.errorFileId)).toBeUndefined();
  });

  test("inputs that are outputs of other resources are passed through once resolved", async () => {
    const model = pulumi.output("text-embedding-3-small");
    const batch = new Batch("from-outputs", {
      endpoint: "/v1/embeddings",
      requests: [
        {
          custom_id: "a",
          method: "POST",
          url: "/v1/embeddings",
          body: model.apply((m) => ({ model: m, input: "hello" })),
        },
      ],
    });
    await output(batch.id);
    expect(registered.find((r) => r.name === "from-outputs")?.inputs.requests).toEqual([
      {
        custom_id: "a",
        method: "POST",
        url: "/v1/embeddings",
        body: { model: "text-embedding-3-small", input: "hello" },
      },
    ]);
  });

  test("Batch.get reads an existing batch by id and registers nothing new", async () => {
    const before = registered.length;
    const adopted = Batch.get("adopted", "batch_existing");
    expect(await output(adopted.outputFileId)).toBe("file-out-adopted");
    expect(reads).toContainEqual({
      type: "pulumi-nodejs:dynamic/openai:Batch",
      name: "adopted",
      id: "batch_existing",
    });
    expect(registered.length).toBe(before);
  });

  test("constructing without arguments is an input error that names args", () => {
    let caught: unknown;
    try {
      new Batch("broken", undefined as never);
    } catch (error) {
      caught = error;
    }
    expect(isBatchInputError(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      'args: new Batch("broken", args) needs its arguments; give at least endpoint and one input',
    );
    // Printed by the engine as its message alone, without a JavaScript stack trace.
    expect(pulumi.ResourceError.isInstance(caught)).toBe(true);
    expect((caught as pulumi.ResourceError).hideStack).toBe(true);
  });

  test("NaN and Infinity inside an argument's objects are refused by name before anything registers (the provider would see null)", () => {
    const before = registered.length;
    let caught: unknown;
    try {
      new Batch("nan", {
        endpoint: "/v1/chat/completions",
        requests: [{ custom_id: "a", body: { model: "m", messages: [], temperature: Number.NaN } }],
        outputExpiresAfter: { anchor: "created_at", seconds: Number.POSITIVE_INFINITY },
        // An output inside an argument is not walked: its value is not known yet.
        metadata: { team: pulumi.output("search") },
      });
    } catch (error) {
      caught = error;
    }
    expect(isBatchInputError(caught)).toBe(true);
    expect((caught as { problems: unknown }).problems).toEqual([
      {
        property: "requests[0].body.temperature",
        reason:
          "requests[0].body.temperature is NaN, which is not a number JSON can carry (Pulumi would send it to the provider as null); give a finite number",
      },
      {
        property: "outputExpiresAfter.seconds",
        reason:
          "outputExpiresAfter.seconds is Infinity, which is not a number JSON can carry (Pulumi would send it to the provider as null); give a finite number",
      },
    ]);
    expect(pulumi.ResourceError.isInstance(caught)).toBe(true);
    expect(registered.length).toBe(before);
  });
});
