/**
 * Azure's enqueued-token quota per deployment, over HTTP: in the fail-fast regions
 * (`tokenLimitAtCreate`) a batch that does not fit is refused by the create itself, with HTTP 400
 * `token_limit_exceeded` and no batch made; elsewhere it fails at validation, with Azure's message.
 */
import OpenAI, { toFile } from "openai";
import { afterEach, expect, test } from "vitest";
import { tallyLines } from "../../provider/cost/tally";
import { parseCliArgs } from "../../provider/emulator/cli-args";
import { resolveConfig } from "../../provider/emulator/config";
import { tokenLimitMessage } from "../../provider/emulator/queue/enqueued-tokens";
import { failure, startTestEmulator, type TestEmulator } from "./support/harness";

const KEY = "azure-emulator-key-1234";
const DURATIONS = { validatingMs: 1_000, inProgressMs: 10_000, finalizingMs: 1_000, cancellingMs: 1_000 };
const line = (id: string) =>
  JSON.stringify({
    custom_id: id,
    method: "POST",
    url: "/chat/completions",
    body: { model: "batch-mini", max_tokens: 5, messages: [{ role: "user", content: `question ${id}` }] },
  });
const jsonl = (count: number, prefix: string) =>
  `${Array.from({ length: count }, (_, i) => line(`${prefix}-${i}`)).join("\n")}\n`;
const tokensOf = (text: string) => tallyLines(text.split("\n"), "/v1/chat/completions").inputTokens;
/** The quota holds the five-line batch and not one line more. */
const FIVE = jsonl(5, "five");
const LIMIT = tokensOf(FIVE);

let env: TestEmulator | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function azure(tokenLimitAtCreate: boolean): Promise<OpenAI> {
  env = await startTestEmulator({
    profile: "azure",
    apiKey: KEY,
    deployments: { "batch-mini": "gpt-4o-mini" },
    durations: DURATIONS,
    enqueuedTokenLimits: { "batch-mini": LIMIT },
    tokenLimitAtCreate,
  });
  return new OpenAI({
    baseURL: env.emulator.url,
    apiKey: KEY,
    maxRetries: 0,
    defaultHeaders: { authorization: null, "api-key": KEY },
  });
}

async function create(client: OpenAI, content: string): Promise<OpenAI.Batch> {
  const file = await client.files.create({
    file: await toFile(Buffer.from(content), "in.jsonl"),
    purpose: "batch",
  });
  return client.batches.create({
    input_file_id: file.id,
    endpoint: "/chat/completions" as OpenAI.BatchCreateParams["endpoint"],
    completion_window: "24h",
  });
}

const azureMessage = `The number of enqueued tokens has surpassed the configured limit of ${LIMIT} for the deployment 'batch-mini'. Please either increase the limit or try again once the current jobs have finished.`;

test("fail fast: a batch over the deployment's quota is refused at create with 400 token_limit_exceeded, and none is made; it is taken once the queue drains", async () => {
  const client = await azure(true);
  const running = await create(client, FIVE);
  await env?.emulator.advance(1_000);
  expect((await client.batches.retrieve(running.id)).status).toBe("in_progress");
  const error = await failure(create(client, jsonl(1, "one")));
  expect(error.status).toBe(400);
  expect(error.code).toBe("token_limit_exceeded");
  expect(error.message).toContain(azureMessage);
  expect((await client.batches.list()).data.map((b) => b.id)).toEqual([running.id]);
  await env?.emulator.advance(11_000);
  expect((await client.batches.retrieve(running.id)).status).toBe("completed");
  const later = await create(client, jsonl(1, "later"));
  expect(later.status).toBe("validating");
});

test("Azure's message gives a limit of whole thousands or millions as 30K or 2M", () => {
  expect(tokenLimitMessage("d", 30_000, "azure")).toContain(
    "the configured limit of 30K for the deployment 'd'.",
  );
  expect(tokenLimitMessage("d", 2_000_000, "azure")).toContain("limit of 2M for");
  expect(tokenLimitMessage("d", 2_500, "azure")).toContain("limit of 2500 for");
});

test("fail fast: a batch that fits is created as usual", async () => {
  const client = await azure(true);
  const batch = await create(client, FIVE);
  await env?.emulator.advance(1_000);
  expect((await client.batches.retrieve(batch.id)).status).toBe("in_progress");
});

test("without fail fast, the batch is created and fails at validation, with Azure's message", async () => {
  const client = await azure(false);
  await create(client, FIVE);
  const over = await create(client, jsonl(1, "one"));
  expect(over.status).toBe("validating");
  await env?.emulator.advance(1_000);
  const failed = await client.batches.retrieve(over.id);
  expect(failed.status).toBe("failed");
  expect(failed.errors?.data).toEqual([
    { code: "token_limit_exceeded", message: azureMessage, line: null, param: null },
  ]);
});

test("the setting: an option, a variable or a flag, on the azure profile only", () => {
  expect(parseCliArgs(["--profile", "azure", "--token-limit-at-create"], {})).toMatchObject({
    options: { profile: "azure", tokenLimitAtCreate: true },
  });
  expect(
    resolveConfig({ profile: "azure" }, { OPENAI_EMULATOR_TOKEN_LIMIT_AT_CREATE: "1" }).profile
      .tokenLimitAtCreate,
  ).toBe(true);
  expect(resolveConfig({ profile: "azure" }, {}).profile.tokenLimitAtCreate).toBe(false);
  expect(() => resolveConfig({ tokenLimitAtCreate: true }, {})).toThrow(
    "`tokenLimitAtCreate` applies only to the azure profile (Azure's fail-fast regions); the profile is openai.",
  );
  expect(() => resolveConfig({ profile: "azure" }, { OPENAI_EMULATOR_TOKEN_LIMIT_AT_CREATE: "yes" })).toThrow(
    'Expected OPENAI_EMULATOR_TOKEN_LIMIT_AT_CREATE to be true, false, 1 or 0; got "yes".',
  );
});
